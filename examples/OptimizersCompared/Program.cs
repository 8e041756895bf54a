// The optimizers side by side on one problem. The same MLP (64 -> 32 -> 10, tanh) from the same
// initial weights is trained on the same minibatches of the embedded digits (standardized) by each
// of the library's update rules (docs/optimizers.md):
//   SGD        w ← w − η·g
//   momentum   v ← γv + g,  w ← w − η·v                       (heavy ball, γ = 0.9)
//   Nesterov   v ← γv + g,  w ← w − η·(g + γv)                 (the look-ahead form)
//   Adagrad    G ← G + g²,  w ← w − η·g/(√G + ε)               (per weight, a step that only shrinks)
//   RMSprop    s ← αs + (1 − α)g²,  w ← w − η·g/(√s + ε)        (a running average instead of a sum)
//   Adam       m, s running averages of g and g², bias-corrected: w ← w − η·m̂/(√ŝ + ε)
// SGD, momentum and Nesterov share one learning rate, so what the velocity adds is visible; the
// adaptive rules take their customary rates. Every step goes through a DivergenceGuard, so a rule
// that blew up would stop the example instead of drawing NaN. The training-loss curves go into one
// SVG (optimizers.svg beside the program, or the path given as the first argument).
using System.Globalization;
using System.Text;
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// Seeds 1 to 4 give the same picture: SGD ends at 0.30-0.36, momentum and Nesterov at 0.035-0.042,
// Adagrad 0.016-0.022, RMSprop 0.026-0.034, Adam 0.061-0.069; test accuracy 90-98.6%.
const ulong Seed = 1;
const int Epochs = 12, Batch = 32;
const double SgdRate = 0.02;
var digits = EmbeddedDatasets.Digits();
var (trainAll, test) = DataSplit.Holdout(digits, 0.2, new Generator(Seed), stratified: true);
var scaler = Standardizer.Fit(trainAll);
var (train, testStd) = (scaler.Transform(trainAll), scaler.Transform(test));

var rules = new (string Name, string Color, Func<Module, Optimizer> Create)[]
{
    ($"SGD η={SgdRate}", "#7f7f7f", m => new Sgd(m, SgdRate)),
    ($"momentum η={SgdRate}", "#1f77b4", m => new Momentum(m, SgdRate, gamma: 0.9)),
    ($"Nesterov η={SgdRate}", "#17becf", m => new Nesterov(m, SgdRate, gamma: 0.9)),
    ("Adagrad η=0.05", "#2ca02c", m => new Adagrad(m, 0.05)),
    ("RMSprop η=0.002", "#ff7f0e", m => new RmsProp(m, 0.002)),
    ("Adam η=0.002", "#d62728", m => new Adam(m, 0.002)),
};

double FullLoss(Module net, Dataset d)
{
    using var _ = Tape.NoGrad();
    return Metrics.LogLossFromLogits(net.Forward(d.Features), d.Labels);
}

Console.WriteLine($"{train.Count} training digits, {test.Count} test; MLP 64 -> 32 -> 10 (tanh); {Epochs} epochs of minibatches of {Batch}, the same batches for every rule\n");
var curves = new List<(string Name, string Color, double[] Loss)>();
var testAccuracy = new Dictionary<string, double>();
foreach (var (name, color, create) in rules)
{
    var net = Mlp.Create([64, 32, 10], Activation.Tanh, new Generator(Seed));   // the same initial weights every time
    var optimizer = create(net);
    var loader = new DataLoader(train, Batch, new Generator(Seed + 1));             // and the same batches
    var guard = new DivergenceGuard(net);
    var loss = new double[Epochs + 1];
    loss[0] = FullLoss(net, train);
    for (int epoch = 1; epoch <= Epochs; epoch++)
    {
        guard.BeginEpoch(epoch);
        foreach (var (x, y) in loader)
        {
            optimizer.ZeroGrad();
            var l = Loss.SoftmaxCrossEntropy(net.Forward(x), y);
            guard.CheckLoss(l.Item());
            l.Backward();
            optimizer.Step();
            guard.CheckParameters();
        }
        loss[epoch] = FullLoss(net, train);
    }
    using (Tape.NoGrad()) testAccuracy[name] = Metrics.Accuracy(net.Forward(testStd.Features), testStd.Labels);
    curves.Add((name, color, loss));
    Console.WriteLine($"{name,-20} training loss {loss[0]:F3} -> {loss[1]:F3} after 1 epoch -> {loss[Epochs]:F4} after {Epochs}; test accuracy {testAccuracy[name]:P1}");
}

var plot = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "optimizers.svg");
File.WriteAllText(plot, Svg(curves));
Console.WriteLine($"\nloss curves (log scale): {plot}\n");

double Final(string prefix) => curves.Single(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)).Loss[Epochs];
double After1(string prefix) => curves.Single(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)).Loss[1];
Check($"every rule starts from the same loss, {curves[0].Loss[0]:F3}, and ends below a fifth of it (highest {curves.Max(c => c.Loss[Epochs]):F4})",
    curves.All(c => c.Loss[0] == curves[0].Loss[0] && c.Loss[Epochs] < 0.2 * curves[0].Loss[0]));
Check($"at the same η, momentum ends far below SGD: {Final("momentum"):F4} vs {Final("SGD"):F4} (less than half)", Final("momentum") < 0.5 * Final("SGD"));
Check($"so does Nesterov: {Final("Nesterov"):F4} vs {Final("SGD"):F4}", Final("Nesterov") < 0.5 * Final("SGD"));
Check($"the adaptive rules are ahead of SGD after one epoch: Adagrad {After1("Adagrad"):F3}, RMSprop {After1("RMSprop"):F3}, Adam {After1("Adam"):F3} < SGD {After1("SGD"):F3}",
    new[] { "Adagrad", "RMSprop", "Adam" }.All(r => After1(r) < After1("SGD")));
Check($"Adam, the usual default, ends below SGD too: {Final("Adam"):F4} < {Final("SGD"):F4}", Final("Adam") < Final("SGD"));
Check($"all of them generalize: test accuracy ≥ 88% for every rule (lowest {testAccuracy.Values.Min():P1})", testAccuracy.Values.All(a => a >= 0.88));
Check($"the plot holds one curve per rule ({rules.Length})", File.ReadAllText(plot).Split("<polyline").Length - 1 == rules.Length);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;

// Training loss against epoch on a log10 scale, one polyline per rule, in the style of the CLI's --plot.
static string Svg(List<(string Name, string Color, double[] Loss)> curves)
{
    const int Left = 70, Top = 40, Width = 560, Height = 360;
    var c = CultureInfo.InvariantCulture;
    int epochs = curves[0].Loss.Length - 1;
    double lo = Math.Floor(curves.Min(k => k.Loss.Min(Math.Log10))), hi = Math.Ceiling(curves.Max(k => k.Loss.Max(Math.Log10)));
    double X(int e) => Left + (double)e / epochs * Width;
    double Y(double loss) => Top + Height - (Math.Log10(loss) - lo) / (hi - lo) * Height;
    var sb = new StringBuilder();
    sb.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Left + Width + 200}\" height=\"{Top + Height + 50}\" font-family=\"sans-serif\" font-size=\"12\">\n");
    sb.Append(c, $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    sb.Append(c, $"<text x=\"{Left + Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">training loss of one MLP on the digits, six optimizers (log scale)</text>\n");
    sb.Append(c, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width}\" height=\"{Height}\" fill=\"none\" stroke=\"#888\"/>\n");
    for (double e = lo; e <= hi; e++)
        sb.Append(c, $"<line x1=\"{Left}\" y1=\"{Y(Math.Pow(10, e)):F1}\" x2=\"{Left + Width}\" y2=\"{Y(Math.Pow(10, e)):F1}\" stroke=\"#eee\"/><text x=\"{Left - 6}\" y=\"{Y(Math.Pow(10, e)) + 4:F1}\" text-anchor=\"end\">{Math.Pow(10, e).ToString("G3", c)}</text>\n");
    for (int e = 0; e <= epochs; e += 2)
        sb.Append(c, $"<text x=\"{X(e):F1}\" y=\"{Top + Height + 16}\" text-anchor=\"middle\">{e}</text>");
    sb.Append(c, $"\n<text x=\"{Left + Width / 2}\" y=\"{Top + Height + 36}\" text-anchor=\"middle\">epoch</text>\n");
    for (int k = 0; k < curves.Count; k++)
    {
        var (name, color, loss) = curves[k];
        var points = string.Join(" ", loss.Select((l, e) => $"{X(e).ToString("F1", c)},{Y(l).ToString("F1", c)}"));
        sb.Append(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>\n");
        int ly = Top + 20 + 20 * k;
        sb.Append(c, $"<line x1=\"{Left + Width + 15}\" y1=\"{ly - 4}\" x2=\"{Left + Width + 40}\" y2=\"{ly - 4}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{Left + Width + 46}\" y=\"{ly}\">{name}</text>\n");
    }
    return sb.Append("</svg>\n").ToString();
}
