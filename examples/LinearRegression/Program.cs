// Linear regression as note 000 does it: o = ⟨w, x⟩ with the dummy feature x₀ = 1 (no separate
// bias) and the training error E(w) = Σᵢ (yᵢ − oᵢ)², with no ½ and no mean, so
//   ∂E/∂w = −2 Σᵢ (yᵢ − oᵢ) xᵢ,
//   batch gradient descent:  w ← w + η·2·Σᵢ (yᵢ − oᵢ) xᵢ   (all examples, then one update),
//   SGD:                     w ← w + η·2·(y − o)·x          (one example at a time).
// Here: the hand-derived gradient against the tape's and finite differences; both rules written out
// by hand against the same loss minimized by the library's Sgd optimizer (identical trajectories);
// and both against the closed-form least-squares solution w* = (XᵀX)⁻¹Xᵀy.
using AutoGrad;
using AutoGrad.Checking;
using AutoGrad.Losses;
using AutoGrad.Optim;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}
static string Fmt(double[] v) => "(" + string.Join(", ", v.Select(a => a.ToString("F6"))) + ")";
static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (p, q) => (p - q) * (p - q)).Sum());

// Data: y = 0.5 − 2·x₁ + 3·x₂ + noise, with the dummy feature x₀ = 1 as the first column.
const int N = 40, D = 3;
var gen = new Generator(0);
var xData = new double[N * D];
var yData = new double[N];
double[] trueW = [0.5, -2, 3];
for (int i = 0; i < N; i++)
{
    xData[i * D] = 1;
    for (int j = 1; j < D; j++) xData[i * D + j] = gen.NextNormal();
    yData[i] = Enumerable.Range(0, D).Sum(j => trueW[j] * xData[i * D + j]) + 0.1 * gen.NextNormal();
}
var X = Tensor.From(DType.Float64, xData, N, D);
var y = Tensor.From(DType.Float64, yData, N);
double[] Row(int i) => xData.AsSpan(i * D, D).ToArray();
double Output(double[] w, int i) => Enumerable.Range(0, D).Sum(j => w[j] * xData[i * D + j]);

// E(w) = Σ (y − Xw)², built from ops so the tape can differentiate it.
Tensor Error(Tensor w) => Loss.SquaredError(Tensor.Matmul(X, w), y, Reduction.Sum);
double ErrorOf(double[] w) => Enumerable.Range(0, N).Sum(i => Math.Pow(yData[i] - Output(w, i), 2));

// The closed form: solve the normal equations (XᵀX) w* = Xᵀy.
var xtx = Tensor.Matmul(X.T, X);
var xty = Tensor.Matmul(X.T, y).ToDoubleArray();
var wStar = Solve(Enumerable.Range(0, D).Select(i => Enumerable.Range(0, D).Select(j => xtx[i, j]).ToArray()).ToArray(), xty);
Console.WriteLine($"closed form w* = (XᵀX)⁻¹Xᵀy = {Fmt(wStar)}, E(w*) = {ErrorOf(wStar):F6} (data made with w = {Fmt(trueW)})");

// 1. The gradient: by hand, by the tape, by finite differences.
Console.WriteLine("\n1. ∂E/∂w at a random w");
double[] w0 = [0.1 * gen.NextNormal(), 0.1 * gen.NextNormal(), 0.1 * gen.NextNormal()];
var handGrad = new double[D];
for (int i = 0; i < N; i++)
    for (int j = 0; j < D; j++) handGrad[j] += -2 * (yData[i] - Output(w0, i)) * xData[i * D + j];
var wTape = Tensor.From(DType.Float64, w0, D).RequireGrad();
Error(wTape).Backward();
var tapeGrad = wTape.Grad!.ToDoubleArray();
Console.WriteLine($"  by hand  −2Σ(y − o)x = {Fmt(handGrad)}");
Console.WriteLine($"  the tape             = {Fmt(tapeGrad)}");
Check("the tape's gradient equals the hand-derived one (to 1e-9)", Distance(handGrad, tapeGrad) < 1e-9);
var check = GradCheck.Run(Error, Tensor.From(DType.Float64, w0, D).RequireGrad());
Console.WriteLine($"  {check}");
Check("the tape agrees with central finite differences", check.Passed);

// 2. Batch gradient descent: the note's rule by hand, and Sgd on the tape's gradient of E.
Console.WriteLine("\n2. batch gradient descent, η = 0.005");
const double Eta = 0.005;
const int Iterations = 200;
var wHand = (double[])w0.Clone();
var wLib = Tensor.From(DType.Float64, w0, D).RequireGrad();
var sgd = new Sgd([wLib], learningRate: Eta);
double maxGap = 0;
Console.WriteLine("  iteration   E(w)           |w − w*|");
for (int t = 1; t <= Iterations; t++)
{
    var step = new double[D];
    for (int i = 0; i < N; i++)
    {
        double residual = yData[i] - Output(wHand, i);
        for (int j = 0; j < D; j++) step[j] += 2 * residual * xData[i * D + j];
    }
    for (int j = 0; j < D; j++) wHand[j] += Eta * step[j]; // w ← w + η·2·Σ(y − o)x

    sgd.ZeroGrad();
    Error(wLib).Backward();
    sgd.Step(); // w ← w − η·∂E/∂w
    maxGap = Math.Max(maxGap, Distance(wHand, wLib.ToDoubleArray()));
    if (t is 1 or 5 or 10 or 20 or 50 or Iterations)
        Console.WriteLine($"  {t,9}   {ErrorOf(wHand),-12:F6}   {Distance(wHand, wStar):0.00e+0}");
}
Console.WriteLine($"  by hand: w = {Fmt(wHand)}\n  Sgd:     w = {Fmt(wLib.ToDoubleArray())}");
Check($"the hand-written rule and Sgd on the tape's gradient follow the same path (largest gap {maxGap:0.0e+0})", maxGap < 1e-10);
Check("batch gradient descent reaches the closed-form solution (|w − w*| < 1e-8)", Distance(wHand, wStar) < 1e-8);

// 3. SGD: one example at a time, in a fresh random order each epoch.
Console.WriteLine("\n3. stochastic gradient descent, η = 0.01, one example per update");
const double SgdEta = 0.01;
const int Epochs = 30;
var wHandSgd = (double[])w0.Clone();
var wLibSgd = Tensor.From(DType.Float64, w0, D).RequireGrad();
var perExample = new Sgd([wLibSgd], learningRate: SgdEta);
var shuffle = new Generator(1);
maxGap = 0;
Console.WriteLine("  epoch   E(w)           |w − w*|");
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    foreach (int i in shuffle.Permutation(N))
    {
        double residual = yData[i] - Output(wHandSgd, i);
        var xi = Row(i);
        for (int j = 0; j < D; j++) wHandSgd[j] += SgdEta * 2 * residual * xi[j]; // w ← w + η·2(y − o)x

        perExample.ZeroGrad();
        var oi = Tensor.Matmul(Tensor.From(DType.Float64, xi, D), wLibSgd);
        Loss.SquaredError(oi, y.Select(0, i), Reduction.Sum).Backward(); // (yᵢ − oᵢ)²
        perExample.Step();
    }
    maxGap = Math.Max(maxGap, Distance(wHandSgd, wLibSgd.ToDoubleArray()));
    if (epoch is 1 or 2 or 5 or 10 or Epochs)
        Console.WriteLine($"  {epoch,5}   {ErrorOf(wHandSgd),-12:F6}   {Distance(wHandSgd, wStar):0.00e+0}");
}
Console.WriteLine($"  by hand: w = {Fmt(wHandSgd)}\n  Sgd:     w = {Fmt(wLibSgd.ToDoubleArray())}");
Check($"the hand-written SGD rule and Sgd on each example's tape gradient agree (largest gap {maxGap:0.0e+0})", maxGap < 1e-10);
double excess = ErrorOf(wHandSgd) - ErrorOf(wStar);
Check($"SGD ends near w* (|w − w*| = {Distance(wHandSgd, wStar):F4} < 0.02, E within {excess:F5} of the minimum)",
    Distance(wHandSgd, wStar) < 0.02 && excess >= 0);

Check("w* is the least-squares minimum: the tape's gradient of E vanishes there (|∇E(w*)| < 1e-9)",
    GradientNorm(Error, wStar) < 1e-9);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;

static double GradientNorm(Func<Tensor, Tensor> f, double[] at)
{
    var w = Tensor.From(DType.Float64, at, at.Length).RequireGrad();
    f(w).Backward();
    return Math.Sqrt(w.Grad!.ToDoubleArray().Sum(g => g * g));
}

// Gaussian elimination with partial pivoting for the small normal equations.
static double[] Solve(double[][] a, double[] b)
{
    int n = b.Length;
    var m = a.Select((row, i) => row.Append(b[i]).ToArray()).ToArray();
    for (int c = 0; c < n; c++)
    {
        int pivot = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(m[r][c]));
        (m[c], m[pivot]) = (m[pivot], m[c]);
        for (int r = c + 1; r < n; r++)
        {
            double f = m[r][c] / m[c][c];
            for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
        }
    }
    var x = new double[n];
    for (int r = n - 1; r >= 0; r--)
        x[r] = (m[r][n] - Enumerable.Range(r + 1, n - r - 1).Sum(k => m[r][k] * x[k])) / m[r][r];
    return x;
}
