// Note 000's sigmoid unit: o = σ(a), a = ⟨w, x⟩ + b, trained with E = ½ Σᵢ (yᵢ − oᵢ)². By the chain
// rule (L422-494)
//   ∂E/∂w_j = −Σᵢ (yᵢ − oᵢ)·oᵢ(1 − oᵢ)·x_ij,   ∂E/∂b = −Σᵢ (yᵢ − oᵢ)·oᵢ(1 − oᵢ),
// and SGD updates w ← w + η(y − o)o(1 − o)x one example at a time (L496-509). The hand-derived
// gradient is checked against the tape and against central finite differences, the update rule
// against the library's Sgd, and the o(1 − o) factor is shown vanishing when the unit saturates.
using AutoGrad;
using AutoGrad.Checking;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}
static double Sigma(double a) => 1 / (1 + Math.Exp(-a));

const int N = 8, D = 3;
var gen = new Generator(3);
var x = Tensor.Normal(gen, 0, 1, DType.Float64, N, D);
// Labels from a linear rule, so a single unit can fit them: y = 1 where 1.5x₁ − 2x₂ + x₃ > 0.
var y = Tensor.From(DType.Float64, [.. Enumerable.Range(0, N).Select(i => 1.5 * x[i, 0] - 2 * x[i, 1] + x[i, 2] > 0 ? 1.0 : 0.0)], N);
var model = new SigmoidRegression(D, gen, Initializer.Normal(0, 0.5), DType.Float64);
var w = model.Linear.Weight; // [D, 1]
var b = model.Linear.Bias!;  // [1]

// E(w, b) from plain arrays, for the hand formula and for finite differences.
double E(double[] wv, double bv) => Enumerable.Range(0, N).Sum(i =>
{
    double o = Sigma(Enumerable.Range(0, D).Sum(j => wv[j] * x[i, j]) + bv);
    return 0.5 * (y[i] - o) * (y[i] - o);
});

// 1. The gradient three ways.
Console.WriteLine("1. ∂E/∂w and ∂E/∂b at the initial weights");
model.Loss(x, y).Backward(); // E = ½Σ(y − o)², from ops; the tape fills w.Grad and b.Grad
double[] wv = [.. w.ToDoubleArray()];
double bv = b[0];
var hand = new double[D + 1];
for (int i = 0; i < N; i++)
{
    double o = Sigma(Enumerable.Range(0, D).Sum(j => wv[j] * x[i, j]) + bv);
    double factor = -(y[i] - o) * o * (1 - o); // −(y − o)o(1 − o)
    for (int j = 0; j < D; j++) hand[j] += factor * x[i, j];
    hand[D] += factor;
}
var tape = w.Grad!.ToDoubleArray().Append(b.Grad![0]).ToArray();
const double H = 1e-6;
var numeric = new double[D + 1];
for (int j = 0; j <= D; j++)
{
    double[] plus = [.. wv], minus = [.. wv];
    double bPlus = bv, bMinus = bv;
    if (j < D) { plus[j] += H; minus[j] -= H; }
    else { bPlus += H; bMinus -= H; }
    numeric[j] = (E(plus, bPlus) - E(minus, bMinus)) / (2 * H);
}
Console.WriteLine("  parameter   −Σ(y − o)o(1 − o)x   the tape        finite differences");
for (int j = 0; j <= D; j++)
    Console.WriteLine($"  {(j < D ? $"w{j + 1}" : "b"),-9}   {hand[j],18:F10}   {tape[j],13:F10}   {numeric[j],13:F10}");
Check("the hand-derived gradient equals the tape's (to 1e-12)", hand.Zip(tape).All(p => Math.Abs(p.First - p.Second) < 1e-12));
Check("and the central differences (to 1e-8)", hand.Zip(numeric).All(p => Math.Abs(p.First - p.Second) < 1e-8));

// GradCheck compares the tape with float64 central differences over every input entry; the loss
// is written with the same ops as SigmoidRegression: o = σ(x·w + b), E = ½Σ(y − o)².
var check = GradCheck.Run(p => Loss.HalfSquaredError((Tensor.Matmul(x, p[0]) + p[1]).Squeeze(-1).Sigmoid(), y),
    [w.Detach().Clone().RequireGrad(), b.Detach().Clone().RequireGrad()]);
Console.WriteLine($"  {check}");
Check("GradCheck passes on the sigmoid unit's loss", check.Passed);

// 2. SGD: the note's rule by hand, and Sgd on the tape's gradient of each example's loss.
Console.WriteLine("\n2. SGD, η = 0.5, one example per update");
const double Eta = 0.5;
double initialLoss = E(wv, bv);
var optimizer = new Sgd(model, learningRate: Eta);
double maxGap = 0;
Console.WriteLine("  epoch   E = ½Σ(y − o)²");
for (int epoch = 1; epoch <= 50; epoch++)
{
    for (int i = 0; i < N; i++)
    {
        double o = Sigma(Enumerable.Range(0, D).Sum(j => wv[j] * x[i, j]) + bv);
        double step = Eta * (y[i] - o) * o * (1 - o); // w ← w + η(y − o)o(1 − o)x
        for (int j = 0; j < D; j++) wv[j] += step * x[i, j];
        bv += step;

        optimizer.ZeroGrad();
        model.Loss(x.Slice(0, i, 1), y.Slice(0, i, 1)).Backward();
        optimizer.Step();
    }
    var now = w.ToDoubleArray().Append(b[0]);
    maxGap = Math.Max(maxGap, now.Zip(wv.Append(bv)).Max(p => Math.Abs(p.First - p.Second)));
    if (epoch is 1 or 5 or 10 or 25 or 50) Console.WriteLine($"  {epoch,5}   {E(wv, bv):F6}");
}
Console.WriteLine($"  predictions o = [{string.Join(", ", model.Forward(x).ToDoubleArray().Select(o => o.ToString("F3")))}]");
Console.WriteLine($"  targets     y = [{string.Join(", ", y.ToDoubleArray())}]");
Check($"the note's update rule and Sgd on the tape's gradient give the same weights (largest gap {maxGap:0.0e+0})", maxGap < 1e-12);
Check($"training lowered E from {initialLoss:F4} to {E(wv, bv):F4} (to less than half)", E(wv, bv) < initialLoss / 2);

// 3. Saturation: a confident mistake (a = 8, so o ≈ 0.9997, but y = 0).
Console.WriteLine("\n3. a saturated unit: a = 8, y = 0");
var a = Tensor.Scalar(8, DType.Float64).RequireGrad();
var target = Tensor.Scalar(0, DType.Float64);
Loss.HalfSquaredError(a.Sigmoid(), target).Backward();
double squaredGrad = a.Grad!.Item();
var a2 = Tensor.Scalar(8, DType.Float64).RequireGrad();
Loss.BinaryCrossEntropyWithLogits(a2, target).Backward();
double logGrad = a2.Grad!.Item();
Console.WriteLine($"  ½(y − o)²: ∂E/∂a = −(y − o)o(1 − o) = {squaredGrad:F6}   (o(1 − o) = {Sigma(8) * (1 - Sigma(8)):F6})");
Console.WriteLine($"  log loss:  ∂E/∂a = o − y          = {logGrad:F6}");
Check("the squared loss barely moves a confidently wrong sigmoid unit (gradient < 1e-3), the log loss does (> 0.99)",
    squaredGrad < 1e-3 && logGrad > 0.99);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
