// A loss the library does not ship, written by a user in a few ops: the negative log-likelihood of
// a Cauchy distribution with a learned scale s, a robust alternative to the squared error. With
// r = y − μ and the scale parameterized as log s (so s stays positive),
//   p(y | μ, s) = 1 / (π s (1 + r²/s²)),   ℓ = log π + log s + log(1 + r²/s²),
//   ∂ℓ/∂μ = −2r / (s² + r²),               ∂ℓ/∂log s = (s² − r²) / (s² + r²).
// The gradient of a large residual fades (like 2/r) instead of growing (like 2r for the squared
// error), so outliers barely pull the fit. No backward code: the tape differentiates the ops; the
// hand-derived derivatives above, GradCheck and an FsCheck property over random shapes and values
// confirm it. Then a line is fitted to data with outliers, by least squares and by this likelihood.
using AutoGrad;
using AutoGrad.Checking;
using AutoGrad.FsCheck;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;
using FsCheck;
using FsCheck.Fluent;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// 1. The hand-derived derivatives against the tape, at a few residuals and scales.
Console.WriteLine("1. ∂ℓ/∂μ and ∂ℓ/∂log s: hand-derived vs the tape");
Console.WriteLine("      r      s   −2r/(s² + r²)        tape   (s² − r²)/(s² + r²)        tape");
double worst = 0;
foreach (var (r, s) in new[] { (0.5, 1.0), (-2.0, 0.5), (10.0, 1.0), (0.1, 3.0) })
{
    var mu = Tensor.Scalar(0, DType.Float64).RequireGrad();
    var logS = Tensor.Scalar(Math.Log(s), DType.Float64).RequireGrad();
    CauchyNegativeLogLikelihood(mu, Tensor.Scalar(r, DType.Float64), logS).Backward();
    double dMu = -2 * r / (s * s + r * r), dLogS = (s * s - r * r) / (s * s + r * r);
    Console.WriteLine($"  {r,5:F1}  {s,5:F1}   {dMu,13:F6}   {mu.Grad!.Item(),9:F6}   {dLogS,19:F6}   {logS.Grad!.Item(),9:F6}");
    worst = Math.Max(worst, Math.Max(Math.Abs(dMu - mu.Grad!.Item()), Math.Abs(dLogS - logS.Grad!.Item())));
}
Check($"the tape's derivatives are the hand-derived ones (largest gap {worst:0.0e+0})", worst < 1e-12);

var gen = new Generator(13);
var check = GradCheck.Run(p => CauchyNegativeLogLikelihood(p[0], p[1], p[2]),
    [Tensor.Normal(gen, 0, 2, DType.Float64, 6).RequireGrad(), Tensor.Normal(gen, 0, 2, DType.Float64, 6), Tensor.Scalar(0.3, DType.Float64).RequireGrad()]);
Console.WriteLine($"  {check}");
Check("GradCheck: the tape agrees with finite differences for predictions and the scale", check.Passed);

// The same check as a property: FsCheck draws 100 cases (any length n, predictions and targets in
// [−2, 2], log s in [−1, 1]), gradchecks each in float64, and would shrink and print a failure.
var property = GradProperties.For(p => CauchyNegativeLogLikelihood(p[0], p[1], p[2]),
    [InputSpec.Of("n"), InputSpec.Of("n").Constant(), InputSpec.Scalar().Between(-1, 1)]);
bool propertyHolds = true;
try { property.QuickCheckThrowOnFailure(); }
catch (Exception e) { propertyHolds = false; Console.WriteLine(e.Message); }
Check("FsCheck property: the gradient is right for random lengths and values", propertyHolds);

// 2. Fitting y = 2x + 1 + noise when 15% of the points are wild (shifted up by 8 to 15).
Console.WriteLine("\n2. a line through 60 points, 9 of them outliers; true slope 2, intercept 1");
const int N = 60;
var x = Tensor.Uniform(gen, -2, 2, DType.Float64, N, 1);
var yClean = x.Squeeze(1) * 2.0 + 1.0 + Tensor.Normal(gen, 0, 0.2, DType.Float64, N);
var shift = new double[N];
for (int i = 0; i < N; i += 7) shift[i] = 8 + 7 * gen.NextDouble(); // every 7th point
var y = yClean + Tensor.From(DType.Float64, shift, N);

(double Slope, double Intercept, double Scale) Fit(bool robust)
{
    var line = new Linear(1, 1, gen, Initializer.Zeros, dtype: DType.Float64);
    var logScale = Tensor.Scalar(0, DType.Float64).RequireGrad(); // learned with the line when robust
    var adam = new Adam([.. line.Parameters(), logScale], learningRate: 0.05);
    for (int step = 0; step < 1500; step++)
    {
        adam.ZeroGrad();
        var prediction = line.Forward(x).Squeeze(1);
        var loss = robust ? CauchyNegativeLogLikelihood(prediction, y, logScale) : Loss.SquaredError(prediction, y);
        loss.Backward();
        adam.Step();
    }
    return (line.Weight[0, 0], line.Bias![0], Math.Exp(logScale.Item()));
}
var ls = Fit(robust: false);
var cauchy = Fit(robust: true);
Console.WriteLine($"  least squares:        slope {ls.Slope:F3}, intercept {ls.Intercept:F3}");
Console.WriteLine($"  Cauchy likelihood:    slope {cauchy.Slope:F3}, intercept {cauchy.Intercept:F3}, learned scale s = {cauchy.Scale:F3}");
Check("the Cauchy fit recovers the line (slope and intercept within 0.1 of 2 and 1)",
    Math.Abs(cauchy.Slope - 2) < 0.1 && Math.Abs(cauchy.Intercept - 1) < 0.1);
Check("least squares is dragged off by the outliers (intercept off by more than 1)", Math.Abs(ls.Intercept - 1) > 1);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;

// The Cauchy negative log-likelihood, mean over the elements: log π + log s + log(1 + ((y − μ)/s)²).
static Tensor CauchyNegativeLogLikelihood(Tensor prediction, Tensor target, Tensor logScale)
{
    var z = (target - prediction) * (-logScale).Exp(); // r / s
    return Loss.Reduce(logScale + Math.Log(Math.PI) + (z.Square() + 1.0).Log(), Reduction.Mean);
}
