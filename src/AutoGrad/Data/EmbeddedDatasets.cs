using System.Globalization;
using System.IO.Compression;

namespace AutoGrad.Data;

/// <summary>
/// The small real data sets shipped inside the library (from scikit-learn's copies of the UCI
/// Machine Learning Repository files; see the README for credits).
/// </summary>
public static class EmbeddedDatasets
{
    /// <summary>Names accepted by <see cref="Load"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["digits", "iris", "breast-cancer", "wine"];

    /// <summary>UCI optdigits: 1,797 8×8 images (<see cref="Dataset.ImageShape"/> 1×8×8), 64 pixel features in 0..16, 10 classes.</summary>
    public static Dataset Digits() => Parse(Read("digits.csv.gz"), header: false, "digits").WithImageShape(new ImageShape(1, 8, 8));

    /// <summary>Iris: 150 flowers, 4 measurements, 3 species.</summary>
    public static Dataset Iris() => Parse(Read("iris.csv"), header: true, "iris");

    /// <summary>Wisconsin breast cancer: 569 tumours, 30 features, malignant (0) or benign (1).</summary>
    public static Dataset BreastCancer() => Parse(Read("breast_cancer.csv.gz"), header: true, "breast-cancer");

    /// <summary>Wine: 178 wines, 13 chemical measurements, 3 cultivars.</summary>
    public static Dataset Wine() => Parse(Read("wine_data.csv"), header: true, "wine");

    /// <summary>Loads an embedded data set by name (see <see cref="Names"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static Dataset Load(string name) => name switch
    {
        "digits" => Digits(),
        "iris" => Iris(),
        "breast-cancer" => BreastCancer(),
        "wine" => Wine(),
        _ => throw new ArgumentException($"unknown embedded data set '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };

    private static string Read(string file)
    {
        var asm = typeof(EmbeddedDatasets).Assembly;
        using var stream = asm.GetManifestResourceStream("AutoGrad.Data." + file)
            ?? throw new InvalidOperationException($"embedded resource {file} is missing from the AutoGrad assembly");
        using Stream s = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Parses "features..., label" lines; with a header, its first line is
    /// "rows,features,className0,className1,...", as in scikit-learn's files.
    /// </summary>
    private static Dataset Parse(string text, bool header, string name)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[]? classNames = null;
        int start = 0;
        if (header)
        {
            var h = lines[0].Split(',');
            classNames = h[2..];
            start = 1;
        }
        int rows = lines.Length - start;
        int cols = lines[start].Split(',').Length - 1;
        var x = new float[rows * cols];
        var y = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var parts = lines[start + r].Split(',');
            if (parts.Length != cols + 1) throw new InvalidDataException($"{name}: row {r} has {parts.Length} fields, expected {cols + 1}");
            for (int c = 0; c < cols; c++) x[r * cols + c] = float.Parse(parts[c], CultureInfo.InvariantCulture);
            y[r] = int.Parse(parts[cols], CultureInfo.InvariantCulture);
        }
        return new Dataset(Tensor.FromArray(x, rows, cols), y, classNames?.Length, classNames);
    }
}
