// Note 004 (L136-217): average n predictors whose errors εᵢ = ŷᵢ − y have variance v = E[εᵢ²] and
// covariance c = E[εᵢεⱼ] (i ≠ j). The averaged prediction's expected squared error is
//   E[((1/n)Σᵢ ŷᵢ − y)²] = (1/n²)·(n·v + n(n − 1)·c) = v/n + (n − 1)c/n:
// v/n when the errors are uncorrelated (c = 0), no gain at all when c = v.
// Shown twice: with synthetic errors of chosen v and c, and with small networks trained on
// bootstrap samples and averaged by the library's Ensemble module.
using AutoGrad;
using AutoGrad.Autograd;
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

// Empirical v̄ (mean of each member's E[εᵢ²]) and c̄ (mean over i ≠ j of E[εᵢεⱼ]) of errors [M, n].
static (double V, double C) Moments(Tensor errors)
{
    int m = errors.Shape[0], n = errors.Shape[1];
    var gram = Tensor.Matmul(errors.T, errors) / m; // gram[i, j] = E[εᵢεⱼ]
    double diagonal = 0, all = gram.Sum().Item();
    for (int i = 0; i < n; i++) diagonal += gram[i, i];
    return (diagonal / n, (all - diagonal) / (n * (n - 1)));
}

// 1. Synthetic errors: εᵢ = √c·z₀ + √(v − c)·zᵢ with independent standard normal z, so E[εᵢ²] = v
//    and E[εᵢεⱼ] = c exactly; 200,000 draws of (ε₁, …, εₙ).
Console.WriteLine("1. synthetic member errors with chosen v and c, 200,000 draws");
Console.WriteLine("    n     v     c   E[(mean ε)²] measured   v/n + (n−1)c/n   same, measured v̄, c̄");
const int M = 200_000;
var gen = new Generator(8);
foreach (var (n, v, c) in new[] { (4, 1.0, 0.0), (4, 1.0, 0.5), (4, 1.0, 1.0), (10, 2.0, 0.2) })
{
    var shared = Tensor.Normal(gen, 0, 1, DType.Float64, M, 1);
    var own = Tensor.Normal(gen, 0, 1, DType.Float64, M, n);
    var errors = Math.Sqrt(c) * shared + Math.Sqrt(v - c) * own;       // [M, n], broadcasting the shared part
    double measured = errors.Mean(1).Square().Mean().Item();               // E[((1/n)Σ εᵢ)²]
    double formula = v / n + (n - 1) * c / n;
    var (vHat, cHat) = Moments(errors);
    double identity = vHat / n + (n - 1) * cHat / n;
    double standardError = formula * Math.Sqrt(2.0 / M); // the mean error is N(0, formula): Var[e²] = 2·formula²
    Console.WriteLine($"  {n,3}  {v,4:F1}  {c,4:F1}   {measured,21:F4}   {formula,14:F4}   {identity,18:F4}");
    Check($"n = {n}, v = {v}, c = {c}: measured within 4 standard errors of {formula:F4}", Math.Abs(measured - formula) < 4 * standardError);
    Check("and equal to v̄/n + (n − 1)c̄/n of the measured moments (an identity, to 1e-12)", Math.Abs(measured - identity) < 1e-12);
}

// 2. Trained members: five 1 -> 16 -> 1 tanh networks, each from its own seed and its own bootstrap
//    sample of 30 noisy points of y = sin(3x), averaged by Ensemble; errors measured against the true
//    curve on 400 test points.
Console.WriteLine("\n2. five small networks trained on bootstrap samples of y = sin(3x) + noise");
static Tensor SinOf3X(Tensor x) => Tensor.From(DType.Float64, [.. x.ToDoubleArray().Select(v => Math.Sin(3 * v))], x.Shape.ToArray());
var data = new Generator(9);
var xTrain = Tensor.Uniform(data, -1, 1, DType.Float64, 30, 1);
var yTrain = SinOf3X(xTrain) + Tensor.Normal(data, 0, 0.3, DType.Float64, 30, 1);
var xTest = Tensor.Linspace(-1, 1, 400, DType.Float64).Unsqueeze(1);
var yTest = SinOf3X(xTest);

var members = new List<Module>();
for (int k = 0; k < 5; k++)
{
    var seed = new Generator((ulong)(100 + k));
    var rows = Enumerable.Range(0, 30).Select(_ => seed.NextInt(30)).ToArray(); // a bootstrap sample
    var (xb, yb) = (xTrain.IndexSelect(0, rows), yTrain.IndexSelect(0, rows));
    var net = Mlp.Create([1, 16, 1], Activation.Tanh, seed, dtype: DType.Float64);
    var adam = new Adam(net, learningRate: 0.02);
    for (int step = 0; step < 400; step++)
    {
        adam.ZeroGrad();
        Loss.SquaredError(net.Forward(xb), yb).Backward();
        adam.Step();
    }
    members.Add(net);
}
var ensemble = new Ensemble(members);

using (Tape.NoGrad())
{
    var memberErrors = Tensor.Concat([.. members.Select(m => m.Forward(xTest) - yTest)], 1); // [400, 5]
    var ensembleOutput = ensemble.Forward(xTest);
    double ensembleError = (ensembleOutput - yTest).Square().Mean().Item();
    var (vHat, cHat) = Moments(memberErrors);
    var perMember = memberErrors.Square().Mean(0).ToDoubleArray();
    Console.WriteLine($"  members' squared errors      {string.Join("  ", perMember.Select(e => e.ToString("F4")))}");
    Console.WriteLine($"  v̄ = {vHat:F4}, c̄ = {cHat:F4} (correlation {cHat / vHat:F2})");
    Console.WriteLine($"  ensemble squared error       {ensembleError:F4}");
    Console.WriteLine($"  v̄/n + (n − 1)c̄/n            {vHat / 5 + 4 * cHat / 5:F4}");
    Check("Ensemble.Forward is the mean of the members' outputs (to 1e-12)",
        (ensembleOutput - memberErrors.Mean(1, keepDim: true) - yTest).Abs().Max().Item() < 1e-12);
    Check("the ensemble's error is v̄/n + (n − 1)c̄/n of its members' errors (to 1e-12)", Math.Abs(ensembleError - (vHat / 5 + 4 * cHat / 5)) < 1e-12);
    Check($"the members' errors are far from perfectly correlated (c̄/v̄ = {cHat / vHat:F2} < 0.8), so the ensemble beats the average member by more than 10%",
        cHat / vHat < 0.8 && ensembleError < 0.9 * vHat);
}

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
