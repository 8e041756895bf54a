// Finds a planted bug in a hand-written Gaussian log-likelihood with the local gradient check.
// A heteroscedastic linear regression predicts a mean and a log standard deviation per point; its
// loss is the negative log-likelihood, and the custom op's backward has a sign error in
// ∂ℓ/∂log σ. Trained with it, the model would fit σ badly without any error message; the local
// check names the op, the line of its Apply call, the input and the element. Exits 0 when the
// tool finds the planted bug and the corrected op passes.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Checking;
using FindTheBug;

var rng = new Generator(42);
const int n = 32;
var x = Tensor.Uniform(rng, -2, 2, DType.Float32, n, 2);
x.Name = "features";
// y = 1.5·x₀ − 0.5·x₁ + noise whose scale grows with |x₀|.
var noise = Tensor.Randn(rng, n);
var y = Tensor.Zeros(n);
for (int i = 0; i < n; i++) y[i] = 1.5 * x[i, 0] - 0.5 * x[i, 1] + (0.2 + 0.3 * Math.Abs(x[i, 0])) * noise[i];
y.Name = "targets";

Tensor Param(string name, params int[] shape)
{
    var t = Tensor.Normal(rng, 0, 0.3, DType.Float32, shape).RequireGrad();
    t.Name = name;
    return t;
}
var wMu = Param("w_mu", 2);
var bMu = Param("b_mu", 1);
var wSigma = Param("w_sigma", 2);
var bSigma = Param("b_sigma", 1);

Tensor Loss(CustomOp logLikelihood)
{
    var mu = Tensor.Add(Tensor.Matmul(x, wMu), bMu);
    mu.Name = "mu";
    var logSigma = Tensor.Add(Tensor.Matmul(x, wSigma), bSigma);
    logSigma.Name = "log_sigma";
    var ll = logLikelihood.Apply([y, mu, logSigma]);
    return ll.Mean().Neg();
}

Console.WriteLine("Local gradient check of the model with the hand-written Gaussian log-likelihood:\n");
var report = LocalCheck.Run(Loss(new GaussianLogLikelihood(planted: true)));
Console.WriteLine(report);

var bug = report.FirstFailure;
bool found = bug is { OpName: "GaussianLogLikelihood", Worst.Input: 2 } && report.Failures.Count() == 1;
Console.WriteLine();
if (found)
{
    var w = bug!.Worst!;
    Console.WriteLine($"Found it: the backward of '{bug.OpName}' (called at {bug.Site}) is wrong for input 2, log σ:");
    Console.WriteLine($"  at element [{string.Join(", ", w.Element)}] central differences give {w.Numeric:G6}, the hand-written rule {w.Analytic:G6}.");
    Console.WriteLine("  The true derivative is ∂ℓ/∂log σ = z² − 1 with z = (x − μ)/σ; the rule computes z² + 1: a sign error.");
}
else Console.WriteLine("The local check did not single out the planted bug.");

var fixedReport = LocalCheck.Run(Loss(new GaussianLogLikelihood(planted: false)));
Console.WriteLine($"\nWith the sign fixed: {(fixedReport.Passed ? "every op agrees" : "still failing")} ({fixedReport.Nodes.Count} ops checked).");
return found && fixedReport.Passed ? 0 : 1;
