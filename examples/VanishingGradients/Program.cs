// Exploding and vanishing gradients, made visible. A recurrent network applies the same weights at
// every step, so backprop through time multiplies the gradient by the same kind of Jacobian once per
// step: for a tanh RNN, ∂h_t/∂h_{t−1} = diag(1 − h_t²)·W_hh. Take a loss at the LAST step only,
// L = v·h_{T−1}, and look at ‖∂L/∂h_t‖ for every earlier step t: going back in time it shrinks
// geometrically when W_hh is small (the network cannot learn that h_0 matters) and grows
// geometrically when W_hh is large (one gradient step throws the weights far away). An LSTM carries
// its cell state by an additive path, c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, so the gradient along that
// path is scaled by the forget gates f_t rather than by W_hh: with PyTorch's initialization the
// forget gates sit near σ(0) = ½ and the gradient still vanishes, but with the forget-gate bias set
// to 3 (f ≈ 0.95, a common initialization) it survives a hundred steps. Last, gradient clipping by
// norm: the exploding case's gradient is huge, and GradientClipping.ClipByNorm rescales it so the
// SGD update has norm learning rate × max norm, in the same direction.
//
// The steps are run one by one with the cells (RnnCell, LstmCell) so every h_t is kept; then
// Tape.Gradients(L, [h_0, …, h_{T−1}]) returns ∂L/∂h_t for each, intermediate tensors included.
// Float64, so the norms down to 1e-30 are exact to many digits.
using System.Globalization;
using System.Text;
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.NN;
using AutoGrad.Optim;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// Seeds 1 to 3 give the same picture (ratio ‖∂L/∂h_0‖ / ‖∂L/∂h_99‖): vanishing 5e-34 to 2e-29,
// exploding 3e10 to 2e13, LSTM at PyTorch's initialization 8e-23 to 7e-21, LSTM with forget bias 3
// 0.08 to 0.59.
const ulong seed = 1;
const int T = 100, H = 32, In = 4, B = 8;
const double Small = 0.5, Large = 3, ForgetBias = 3;
var f64 = DType.Float64;
var x = Tensor.Normal(new Generator(seed + 10), 0, 1, f64, B, T, In); // a batch of 8 random input sequences
var v = Tensor.Normal(new Generator(seed + 11), 0, 1, f64, H);        // the read-out of the loss
Tensor LastStepLoss(Tensor h) => (h * v).Sum() / B;
double Norm(Tensor t) => Math.Sqrt(t.ToDoubleArray().Sum(a => a * a));

// A tanh RNN h_t = tanh(x_t·W_ihᵀ + h_{t−1}·W_hhᵀ) (no biases) whose W_hh has entries N(0, σ²/H):
// its eigenvalues fill a disc of radius about σ.
RnnCell Rnn(double sigma)
{
    var g = new Generator(seed);
    double k = 1 / Math.Sqrt(H);
    var weightIh = Init.Uniform(Tensor.Zeros(f64, H, In), -k, k, g);
    var weightHh = Tensor.Normal(g, 0, sigma / Math.Sqrt(H), f64, H, H);
    return RnnCell.FromWeights(weightIh, weightHh);
}

(double[] Norms, Tensor Loss) RnnNorms(RnnCell cell)
{
    var h = Tensor.Zeros(f64, B, H);
    var hs = new Tensor[T];
    for (int t = 0; t < T; t++) hs[t] = h = cell.Forward(x.Select(1, t), h);
    var loss = LastStepLoss(h);
    return ([.. Tape.Gradients(loss, hs, retainGraph: true).Select(Norm)], loss);
}

double[] LstmNorms(double? forgetBias)
{
    var cell = new LstmCell(In, H, new Generator(seed), dtype: f64);
    if (forgetBias is { } fb)
        using (Tape.NoGrad()) // gate order i, f, g, o: rows H..2H are the forget gate's
            for (int j = H; j < 2 * H; j++) (cell.BiasIh![j], cell.BiasHh![j]) = (0, fb);
    var (h, c) = (Tensor.Zeros(f64, B, H), Tensor.Zeros(f64, B, H));
    var hs = new Tensor[T];
    for (int t = 0; t < T; t++) { (h, c) = cell.Forward(x.Select(1, t), (h, c)); hs[t] = h; }
    return [.. Tape.Gradients(LastStepLoss(h), hs).Select(Norm)];
}

var exploding = Rnn(Large);
var (explodingNorms, explodingLoss) = RnnNorms(exploding);
var cases = new (string Label, string Color, double[] Norms)[]
{
    ($"tanh RNN, W_hh radius ≈ {Small}", "#1f77b4", RnnNorms(Rnn(Small)).Norms),
    ($"tanh RNN, W_hh radius ≈ {Large}", "#d62728", explodingNorms),
    ("LSTM, PyTorch init (f ≈ ½)", "#9467bd", LstmNorms(null)),
    ($"LSTM, forget bias {ForgetBias} (f ≈ 0.95)", "#2ca02c", LstmNorms(ForgetBias)),
};

Console.WriteLine($"‖∂L/∂h_t‖ for a loss at the last step t = {T - 1} only; {B} random sequences of {In} features, H = {H}, float64\n");
int[] shown = [0, 10, 25, 50, 75, 90, 98, 99];
Console.WriteLine($"{"",-36}" + string.Concat(shown.Select(t => $"{"t = " + t,10}")) + "   t=0 / t=99   per step");
var ratios = new double[cases.Length];
for (int k = 0; k < cases.Length; k++)
{
    var (label, _, norms) = cases[k];
    ratios[k] = norms[0] / norms[T - 1];
    Console.WriteLine($"{label,-36}" + string.Concat(shown.Select(t => $"{norms[t],10:E1}")) + $"   {ratios[k],10:E1}   ×{Math.Pow(ratios[k], 1.0 / (T - 1)):F3}");
}
// The last column is the geometric mean factor per step back in time, (ratio)^(1/99).

var plot = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "gradient-norms.svg");
File.WriteAllText(plot, Svg(cases));
Console.WriteLine($"\nplot of ‖∂L/∂h_t‖ against t (log scale): {plot}\n");

// Gradient clipping by norm on the exploding network: one backward into its parameters, the global
// norm, then the clipped SGD step.
const double LearningRate = 0.1, MaxNorm = 1;
explodingLoss.Backward();
var parameters = exploding.Parameters().ToArray();
var before = parameters.Select(p => p.ToDoubleArray()).ToArray();
double gradientNorm = GradientClipping.ClipByNorm(parameters, MaxNorm);
double clippedNorm = Math.Sqrt(parameters.Sum(p => p.Grad!.ToDoubleArray().Sum(a => a * a)));
new Sgd(parameters, LearningRate).Step();
double update = Math.Sqrt(parameters.Select((p, i) => p.ToDoubleArray().Select((a, j) => (a - before[i][j]) * (a - before[i][j])).Sum()).Sum());
double weightNorm = Math.Sqrt(before.Sum(w => w.Sum(a => a * a)));
Console.WriteLine($"exploding RNN: gradient norm of all parameters {gradientNorm:E2}; an SGD step (η = {LearningRate}) would move the weights (norm {weightNorm:F1}) by {LearningRate * gradientNorm:E2}");
Console.WriteLine($"after ClipByNorm(max {MaxNorm}): gradient norm {clippedNorm:F6}, SGD update norm {update:F6}\n");

Check($"vanishing: with W_hh small, ‖∂L/∂h_0‖ is {ratios[0]:E1} × ‖∂L/∂h_99‖ (< 1e-3)", ratios[0] < 1e-3);
Check($"and it decays at every step back: ‖∂L/∂h_t‖ < ‖∂L/∂h_(t+1)‖ for all t", Enumerable.Range(0, T - 1).All(t => cases[0].Norms[t] < cases[0].Norms[t + 1]));
Check($"exploding: with W_hh large, ‖∂L/∂h_0‖ is {ratios[1]:E1} × ‖∂L/∂h_99‖ (> 1e3)", ratios[1] > 1e3);
Check($"an LSTM at PyTorch's initialization vanishes too (ratio {ratios[2]:E1} < 1e-3): forget gates near ½", ratios[2] < 1e-3);
Check($"with forget bias {ForgetBias} the LSTM's gradient survives 100 steps: ratio {ratios[3]:E2}, between 1e-2 and 1e2", ratios[3] is > 1e-2 and < 1e2);
Check($"clipping bounds the exploding case's update: gradient norm {gradientNorm:E1} → {clippedNorm:F4}, SGD update {update:F4} ≤ η·max = {LearningRate * MaxNorm}",
    gradientNorm > 1e3 && Math.Abs(clippedNorm - MaxNorm) < 1e-5 && update <= LearningRate * MaxNorm + 1e-9);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;

// ‖∂L/∂h_t‖ against t on a log10 scale, one polyline per case, in the style of the CLI's --plot.
string Svg((string Label, string Color, double[] Norms)[] curves)
{
    const int Left = 70, Top = 40, Width = 560, Height = 360;
    var c = CultureInfo.InvariantCulture;
    double lo = Math.Floor(curves.Min(k => k.Norms.Min(Math.Log10)) / 5) * 5, hi = Math.Ceiling(curves.Max(k => k.Norms.Max(Math.Log10)) / 5) * 5;
    double X(int t) => Left + (double)t / (T - 1) * Width;
    double Y(double norm) => Top + Height - (Math.Log10(norm) - lo) / (hi - lo) * Height;
    var sb = new StringBuilder();
    sb.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Left + Width + 260}\" height=\"{Top + Height + 50}\" font-family=\"sans-serif\" font-size=\"12\">\n");
    sb.Append(c, $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    sb.Append(c, $"<text x=\"{Left + Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">‖∂L/∂h_t‖ for a loss at step {T - 1} only (log scale)</text>\n");
    sb.Append(c, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width}\" height=\"{Height}\" fill=\"none\" stroke=\"#888\"/>\n");
    for (double e = lo; e <= hi; e += 5)
        sb.Append(c, $"<line x1=\"{Left}\" y1=\"{Y(Math.Pow(10, e)):F1}\" x2=\"{Left + Width}\" y2=\"{Y(Math.Pow(10, e)):F1}\" stroke=\"#eee\"/><text x=\"{Left - 6}\" y=\"{Y(Math.Pow(10, e)) + 4:F1}\" text-anchor=\"end\">1e{e}</text>\n");
    for (int t = 0; t < T; t += 10)
        sb.Append(c, $"<text x=\"{X(t):F1}\" y=\"{Top + Height + 16}\" text-anchor=\"middle\">{t}</text>");
    sb.Append(c, $"\n<text x=\"{Left + Width / 2}\" y=\"{Top + Height + 36}\" text-anchor=\"middle\">time step t</text>\n");
    for (int k = 0; k < curves.Length; k++)
    {
        var (label, color, norms) = curves[k];
        var points = string.Join(" ", norms.Select((n, t) => $"{X(t).ToString("F1", c)},{Y(n).ToString("F1", c)}"));
        sb.Append(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>\n");
        int ly = Top + 20 + 20 * k;
        sb.Append(c, $"<line x1=\"{Left + Width + 15}\" y1=\"{ly - 4}\" x2=\"{Left + Width + 40}\" y2=\"{ly - 4}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{Left + Width + 46}\" y=\"{ly}\">{label}</text>\n");
    }
    return sb.Append("</svg>\n").ToString();
}
