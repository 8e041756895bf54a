using System.Globalization;
using System.Text;
using AutoGrad.Cli.Training;

namespace AutoGrad.Cli.Output;

/// <summary>Loss and accuracy curves per epoch (training and holdout) as a self-contained SVG file; the loss alone when there is no accuracy (a regression).</summary>
public static class SvgPlot
{
    private const int PanelWidth = 420, PanelHeight = 300, Margin = 50;
    private const string TrainColor = "#1f77b4", HoldoutColor = "#d62728";

    /// <summary>Writes the plot (atomically: a temporary file, then a rename).</summary>
    /// <exception cref="UserError">The file cannot be written.</exception>
    public static void Write(string path, IReadOnlyList<EpochResult> history, string title)
    {
        var svg = Render(history, title);
        try
        {
            var full = Path.GetFullPath(path);
            var tmp = full + ".tmp";
            File.WriteAllText(tmp, svg, new UTF8Encoding(false));
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot write the plot to '{path}': {e.Message}");
        }
    }

    public static string Render(IReadOnlyList<EpochResult> history, string title)
    {
        // A regression (a time series) has no accuracy (NaN): only the loss panel.
        bool accuracy = history.Any(h => double.IsFinite(h.TrainAccuracy));
        int width = accuracy ? 2 * PanelWidth + 3 * Margin : PanelWidth + 2 * Margin, height = PanelHeight + 2 * Margin + 30;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        Panel(sb, Margin, Margin, "loss", history.Select(h => h.TrainLoss).ToArray(), history.Select(h => h.HoldoutLoss).ToArray(), percent: false);
        if (accuracy) Panel(sb, 2 * Margin + PanelWidth, Margin, "accuracy (%)", history.Select(h => 100 * h.TrainAccuracy).ToArray(), history.Select(h => h.HoldoutAccuracy * 100).ToArray(), percent: true);
        int ly = height - 18;
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{ly - 4}\" x2=\"{Margin + 24}\" y2=\"{ly - 4}\" stroke=\"{TrainColor}\" stroke-width=\"2\"/><text x=\"{Margin + 30}\" y=\"{ly}\">training</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin + 110}\" y1=\"{ly - 4}\" x2=\"{Margin + 134}\" y2=\"{ly - 4}\" stroke=\"{HoldoutColor}\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/><text x=\"{Margin + 140}\" y=\"{ly}\">holdout</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void Panel(StringBuilder sb, int x0, int y0, string label, double[] train, double?[] holdout, bool percent)
    {
        var all = train.Concat(holdout.Where(v => v.HasValue).Select(v => v!.Value)).Where(double.IsFinite).ToArray();
        double lo = all.Length == 0 ? 0 : all.Min(), hi = all.Length == 0 ? 1 : all.Max();
        if (percent) hi = Math.Min(100, hi);
        if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
        double pad = (hi - lo) * 0.05;
        bool nonNegative = all.Length == 0 || all.Min() >= 0;
        lo -= pad;
        hi += pad;
        // Losses and accuracies cannot go below 0 or above 100 %, so the padding must not suggest it.
        if (nonNegative) lo = Math.Max(lo, 0);
        if (percent) hi = Math.Min(hi, 100);
        int n = Math.Max(train.Length, 2);
        double X(int i) => x0 + (double)i / (n - 1) * PanelWidth;
        double Y(double v) => y0 + PanelHeight - (v - lo) / (hi - lo) * PanelHeight;
        var c = CultureInfo.InvariantCulture;
        sb.Append(c, $"<rect x=\"{x0}\" y=\"{y0}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888\"/>\n");
        for (int t = 0; t <= 4; t++)
        {
            double v = lo + (hi - lo) * t / 4;
            sb.Append(c, $"<line x1=\"{x0}\" y1=\"{Y(v):F1}\" x2=\"{x0 + PanelWidth}\" y2=\"{Y(v):F1}\" stroke=\"#eee\"/>");
            sb.Append(c, $"<text x=\"{x0 - 6}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\">{v.ToString(percent ? "F1" : "G3", c)}</text>\n");
        }
        int step = Math.Max(1, (train.Length + 9) / 10);
        for (int i = 0; i < train.Length; i += step)
            sb.Append(c, $"<text x=\"{X(i):F1}\" y=\"{y0 + PanelHeight + 16}\" text-anchor=\"middle\">{i + 1}</text>");
        sb.Append(c, $"\n<text x=\"{x0 + PanelWidth / 2}\" y=\"{y0 + PanelHeight + 34}\" text-anchor=\"middle\">epoch</text>\n");
        sb.Append(c, $"<text x=\"{x0 + 8}\" y=\"{y0 + 16}\">{Escape(label)}</text>\n");
        Polyline(sb, train.Select((v, i) => (X(i), Y(v))), TrainColor, dashed: false);
        if (holdout.Any(v => v.HasValue))
            Polyline(sb, holdout.Select((v, i) => (i, v)).Where(p => p.v.HasValue).Select(p => (X(p.i), Y(p.v!.Value))), HoldoutColor, dashed: true);
    }

    private static void Polyline(StringBuilder sb, IEnumerable<(double X, double Y)> points, string color, bool dashed)
    {
        var c = CultureInfo.InvariantCulture;
        var pts = string.Join(" ", points.Where(p => double.IsFinite(p.Y)).Select(p => $"{p.X.ToString("F1", c)},{p.Y.ToString("F1", c)}"));
        sb.Append(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{(dashed ? " stroke-dasharray=\"5,3\"" : "")} points=\"{pts}\"/>\n");
    }

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
