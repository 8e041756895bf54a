// Note 004 (L7-122): for linear regression ŷ = xᵀw (no bias), adding Gaussian noise n ~ N(0, αI) to
// the inputs is L2 regularization. With f(w) = E[(xᵀw − y)²] (no ½, an expectation) and x̃ = x + n,
//   E[(x̃ᵀw − y)²] = E[(xᵀw − y)²] + E[2(xᵀw − y)nᵀw] + E[(nᵀw)²] = f(w) + 0 + wᵀE[nnᵀ]w = f(w) + α‖w‖²,
// so λ = α, the noise VARIANCE (not its standard deviation). On a data set the expectation over x
// is the mean over the examples; with a sum instead of a mean the penalty would be N·α‖w‖².
// Shown here: the identity by Monte Carlo, the same for the gradient through the tape, and
// gradient descent on noisy copies of the inputs landing on the ridge solution with λ = α.
using AutoGrad;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}
static string Fmt(double[] v) => "(" + string.Join(", ", v.Select(a => a.ToString("F4"))) + ")";
static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (p, q) => (p - q) * (p - q)).Sum());
var gen = new Generator(21);

// 1. The identity for one fixed (x, y, w), by averaging over 400,000 noise draws.
const double Alpha = 0.25;
const int Draws = 400_000;
Console.WriteLine($"1. E_n[((x + n)ᵀw − y)²] for fixed x, y, w and n ~ N(0, αI), α = {Alpha}");
var x = Tensor.From(DType.Float64, [0.5, -1.0, 2.0], 3);
var w = Tensor.From(DType.Float64, [1.5, 0.5, -1.0], 3);
const double Y = 0.3;
var noise = Tensor.Normal(gen, 0, Math.Sqrt(Alpha), DType.Float64, Draws, 3); // std √α, variance α
var squared = (Tensor.Matmul(x + noise, w) - Y).Square().ToDoubleArray();           // one (x̃ᵀw − y)² per draw
double monteCarlo = squared.Average();
double standardError = Math.Sqrt(squared.Select(s => (s - monteCarlo) * (s - monteCarlo)).Sum() / (Draws - 1) / Draws);
double clean = Math.Pow(Tensor.Matmul(x, w).Item() - Y, 2), norm2 = w.Square().Sum().Item();
Console.WriteLine($"  Monte Carlo average          {monteCarlo:F5} ± {standardError:F5}");
Console.WriteLine($"  (xᵀw − y)² + α‖w‖²          {clean:F5} + {Alpha}·{norm2} = {clean + Alpha * norm2:F5}");
Console.WriteLine($"  with the std √α instead of α {clean + Math.Sqrt(Alpha) * norm2:F5}");
Check("the noisy loss averages to f(w) + α‖w‖² (within 4 standard errors)", Math.Abs(monteCarlo - (clean + Alpha * norm2)) < 4 * standardError);
Check("and not to f(w) + √α‖w‖²", Math.Abs(monteCarlo - (clean + Math.Sqrt(Alpha) * norm2)) > 100 * standardError);

// The same for the gradient, both sides from the tape: ∇_w of the mean noisy loss over the draws,
// and ∇_w of f(w) + α‖w‖² (= ½·2α‖w‖², an L2Penalty with λ = 2α on the unhalved loss).
var wNoisy = w.Clone().RequireGrad();
Loss.SquaredError(Tensor.Matmul(x + noise, wNoisy), Tensor.Full(Y, DType.Float64, Draws)).Backward();
var wRidge = w.Clone().RequireGrad();
(Loss.SquaredError(Tensor.Matmul(x, wRidge), Tensor.Scalar(Y, DType.Float64)) + Regularization.L2Penalty([wRidge], 2 * Alpha)).Backward();
var gNoisy = wNoisy.Grad!.ToDoubleArray();
var gRidge = wRidge.Grad!.ToDoubleArray();
Console.WriteLine($"  ∇ of the noisy loss (mean over draws) {Fmt(gNoisy)}");
Console.WriteLine($"  ∇ of f(w) + α‖w‖² = ∇f + 2αw         {Fmt(gRidge)}");
Check("the gradients agree to 1% (the noise averages out of the gradient too)", Distance(gNoisy, gRidge) < 0.01 * Math.Sqrt(gRidge.Sum(g => g * g)));

// 2. Training. Data: 30 examples, y = xᵀ(1, −2, 0.5) + noise. Ridge regression on the mean loss,
//    (1/N)Σ(xᵢᵀw − yᵢ)² + λ‖w‖², has the closed form w = (XᵀX/N + λI)⁻¹·Xᵀy/N.
Console.WriteLine("\n2. gradient descent on noisy inputs vs ridge regression with λ = α (30 examples, 3 features)");
const int N = 30, D = 3;
var X = Tensor.Normal(gen, 0, 1, DType.Float64, N, D);
var y = Tensor.Matmul(X, Tensor.From(DType.Float64, [1, -2, 0.5], D)) + Tensor.Normal(gen, 0, 0.1, DType.Float64, N);
double[] Ridge(double lambda)
{
    var a = (Tensor.Matmul(X.T, X) / N + Tensor.Eye(D, DType.Float64) * lambda);
    return Solve([.. Enumerable.Range(0, D).Select(i => Enumerable.Range(0, D).Select(j => a[i, j]).ToArray())],
                 (Tensor.Matmul(X.T, y) / N).ToDoubleArray());
}
var ols = Ridge(0);
Console.WriteLine($"  least squares (λ = 0): w = {Fmt(ols)}");

// Noise augmentation: every step sees 20 fresh noisy copies of the data set, x̃ = x + n, and takes
// a gradient step on the plain loss ½·mean(x̃ᵀw − y)², no penalty. The last 500 iterates are averaged.
const int Copies = 20, Steps = 1000;
var yCopies = Tensor.Concat([.. Enumerable.Repeat(y, Copies)], 0);
var xCopies = Tensor.Concat([.. Enumerable.Repeat(X, Copies)], 0);
double[] TrainOnNoise(double alpha)
{
    var model = new Linear(D, 1, gen, bias: false, dtype: DType.Float64);
    var sgd = new Sgd(model, learningRate: 0.1);
    var average = new double[D];
    for (int step = 1; step <= Steps; step++)
    {
        var noisy = xCopies + Tensor.Normal(gen, 0, Math.Sqrt(alpha), DType.Float64, N * Copies, D);
        sgd.ZeroGrad();
        Loss.HalfSquaredError(model.Forward(noisy).Squeeze(-1), yCopies, Reduction.Mean).Backward();
        sgd.Step();
        if (step > Steps / 2)
        {
            var now = model.Weight.ToDoubleArray();
            for (int j = 0; j < D; j++) average[j] += now[j] / (Steps / 2);
        }
    }
    return average;
}

// The library's L2Penalty is (λ/2)‖w‖², so ½·mean + L2Penalty(λ = α) = ½·(mean + α‖w‖²): same minimizer.
double[] TrainWithPenalty(double lambda)
{
    var model = new Linear(D, 1, gen, bias: false, dtype: DType.Float64);
    var sgd = new Sgd(model, learningRate: 0.1);
    for (int step = 1; step <= Steps; step++)
    {
        sgd.ZeroGrad();
        (Loss.HalfSquaredError(model.Forward(X).Squeeze(-1), y, Reduction.Mean) + Regularization.L2Penalty(model, lambda)).Backward();
        sgd.Step();
    }
    return model.Weight.ToDoubleArray();
}

Console.WriteLine("  α      trained on noisy inputs     ridge closed form, λ = α    trained with L2Penalty(λ = α)");
foreach (double alpha in new[] { 0.1, 0.5, 1.0 })
{
    var fromNoise = TrainOnNoise(alpha);
    var ridge = Ridge(alpha);
    var penalized = TrainWithPenalty(alpha);
    Console.WriteLine($"  {alpha,-4:F1}   {Fmt(fromNoise)}   {Fmt(ridge)}   {Fmt(penalized)}");
    Check($"α = {alpha:F1}: noise training lands on the ridge solution (distance {Distance(fromNoise, ridge):F4}), far from least squares ({Distance(ols, ridge):F4})",
        Distance(fromNoise, ridge) < 0.1 * Distance(ols, ridge));
    Check($"α = {alpha:F1}: gradient descent with L2Penalty(λ = α) reaches the closed form (distance {Distance(penalized, ridge):0.0e+0})",
        Distance(penalized, ridge) < 1e-9);
}

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;

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
