// Learning-rate schedules (docs/optimizers.md#learning-rate-schedules). A fixed rate large enough to
// make fast progress early keeps the minibatch noise large late: the weights rattle around a
// minimum instead of settling into it. A schedule lowers the rate as training goes on:
//   step         η(t) = η₀·γ^⌊t/s⌋                               (StepLR: halve every s epochs)
//   exponential  η(t) = η₀·γᵗ                                     (ExponentialLR)
//   cosine       η(t) = η_min + (η₀ − η_min)·(1 + cos(πt/T))/2     (CosineAnnealingLR)
// with t the number of Step() calls (here once per epoch). The example checks each schedule's rates
// against its closed form, then trains the same model from the same start on the same batches of
// a noisy least-squares problem with SGD at η₀ = 0.05 held constant and under each schedule, and
// last shows what a rate far too large does: the DivergenceGuard stops the run, naming the epoch and
// step, instead of training on NaN.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Optim;
using AutoGrad.Training;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

const int Epochs = 20;
const double Eta0 = 0.05;
// Seeds 1 to 5 give the same picture: the constant rate ends 0.09-0.13 above the minimum, the
// schedules 0.0003-0.003, and η = 1 diverges in the first few epochs.
const ulong seed = 1;

// 1. The rates, against the closed forms.
var schedules = new (string Name, Func<Optimizer, LRScheduler?> Create, Func<int, double> Formula)[]
{
    ("constant", _ => null, _ => Eta0),
    ("step (halve every 5)", o => new StepLR(o, stepSize: 5, gamma: 0.5), t => Eta0 * Math.Pow(0.5, t / 5)),
    ("exponential (γ = 0.85)", o => new ExponentialLR(o, gamma: 0.85), t => Eta0 * Math.Pow(0.85, t)),
    ($"cosine (T = {Epochs})", o => new CosineAnnealingLR(o, tMax: Epochs, minLearningRate: 0.005), t => 0.005 + (Eta0 - 0.005) * (1 + Math.Cos(Math.PI * Math.Min(t, Epochs) / Epochs)) / 2),
};
Console.WriteLine("learning rate at the start of epoch:" + string.Concat(new[] { 1, 5, 6, 10, 11, 15, 16, 20 }.Select(e => $"{e,7}")));
double worst = 0;
foreach (var (name, create, formula) in schedules)
{
    var probe = new Sgd([Tensor.Zeros(1).RequireGrad()], Eta0);
    var schedule = create(probe);
    var rates = new double[Epochs];
    for (int e = 0; e < Epochs; e++)
    {
        rates[e] = probe.LearningRate;   // the rate epoch e + 1 trains with
        worst = Math.Max(worst, Math.Abs(rates[e] - formula(e)));
        schedule?.Step();
    }
    Console.WriteLine($"  {name,-34}" + string.Concat(new[] { 1, 5, 6, 10, 11, 15, 16, 20 }.Select(e => $"{rates[e - 1],7:F4}")));
}
Check($"every schedule's rates are its closed form (largest difference {worst:E1})", worst < 1e-12);

// 2. Training with each: least squares on noisy data, y = x·w* + ε with ε ~ N(0, 1), by SGD on
// minibatches of 8. The minimum of the training loss is the least-squares solution ŵ (solved below
// in closed form); its loss is not 0 (the noise), so every minibatch gradient stays noisy there and
// SGD at a fixed rate keeps jumping around ŵ, about η·(noise) away. A schedule shrinks the jumps.
const int N = 1000, D = 20, Batch = 8;
var g = new Generator(seed);
var x = Tensor.Normal(g, 0, 1, DType.Float64, N, D);
var wStar = Tensor.Normal(g, 0, 1, DType.Float64, D, 1);
var y = Tensor.Matmul(x, wStar) + Tensor.Normal(g, 0, 1, DType.Float64, N, 1);
var wHat = LeastSquares(x.ToDoubleArray(), y.ToDoubleArray());
double Mse(double[] w)
{
    using var _ = Tape.NoGrad();
    var r = Tensor.Matmul(x, Tensor.From(DType.Float64, w, D, 1)) - y;
    return (r * r).Mean().Item();
}
double best = Mse(wHat);

double[] Train(Func<Optimizer, LRScheduler?> create, double eta0)
{
    var w = Tensor.Zeros(DType.Float64, D, 1).RequireGrad();
    var optimizer = new Sgd([w], eta0);
    var schedule = create(optimizer);
    var guard = new DivergenceGuard([w]);
    var order = new Generator(seed + 1);
    var excess = new double[Epochs];
    for (int epoch = 1; epoch <= Epochs; epoch++)
    {
        guard.BeginEpoch(epoch);
        var perm = order.Permutation(N);
        for (int start = 0; start < N; start += Batch)
        {
            var rows = perm[start..Math.Min(N, start + Batch)];
            optimizer.ZeroGrad();
            var r = Tensor.Matmul(x.IndexSelect(0, rows), w) - y.IndexSelect(0, rows);
            var loss = (r * r).Mean();
            guard.CheckLoss(loss.Item());
            loss.Backward();
            optimizer.Step();
            guard.CheckParameters();
        }
        schedule?.Step();
        excess[epoch - 1] = Mse(w.ToDoubleArray()) - best;   // how far above the minimum the training loss is
    }
    return excess;
}

Console.WriteLine($"\nleast squares, {N} rows of {D} features, noise variance 1 (the minimum training loss is {best:F4}); SGD on minibatches of {Batch} from w = 0, η₀ = 0.05");
Console.WriteLine("excess training loss above the minimum, after epoch:");
Console.WriteLine($"  {"schedule",-24}" + string.Concat(new[] { 1, 5, 10, 15, 20 }.Select(e => $"{e,10}")));
var results = new List<(string Name, double[] Excess)>();
foreach (var (name, create, _) in schedules)
{
    var excess = Train(create, 0.05);
    results.Add((name, excess));
    Console.WriteLine($"  {name,-24}" + string.Concat(new[] { 1, 5, 10, 15, 20 }.Select(e => $"{excess[e - 1].ToString("0.00e+0", System.Globalization.CultureInfo.InvariantCulture),10}")));
}
var constant = results[0];
double Tail(double[] e) => e[^5..].Average();
foreach (var (name, excess) in results.Skip(1))
    Check($"{name}: over the last 5 epochs the loss is {Tail(excess):E2} above the minimum, less than a third of the constant rate's {Tail(constant.Excess):E2}",
        Tail(excess) < Tail(constant.Excess) / 3);
Check($"the constant rate stops improving: its excess loss over epochs 11-20 stays within a factor 10 of {Tail(constant.Excess):E1} (a noise floor, not slow progress)",
    constant.Excess[10..].All(e => e < 10 * Tail(constant.Excess) && e > Tail(constant.Excess) / 10));

// 3. A rate far too large: the update overshoots by more each step, and the guard stops the run.
try
{
    Train(_ => null, 1.0);
    Check("a constant rate of 1 diverges and the guard says so", false);
}
catch (DivergenceException e)
{
    Console.WriteLine($"\nη = 1: {e.Message}\n");
    Check($"a constant rate of 1 diverges, and the guard stops it at epoch {e.Epoch}, step {e.Step}, naming the last finite loss ({DivergenceException.Number(e.LastFiniteLoss ?? double.NaN)})",
        e.LastFiniteLoss is double l && double.IsFinite(l));
}

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;

// ŵ = (XᵀX)⁻¹Xᵀy by Gaussian elimination with partial pivoting on the normal equations (float64).
static double[] LeastSquares(double[] x, double[] y)
{
    int n = y.Length, d = x.Length / n;
    var a = new double[d, d + 1];
    for (int i = 0; i < d; i++)
    {
        for (int j = 0; j < d; j++)
            for (int r = 0; r < n; r++) a[i, j] += x[r * d + i] * x[r * d + j];
        for (int r = 0; r < n; r++) a[i, d] += x[r * d + i] * y[r];
    }
    for (int c = 0; c < d; c++)
    {
        int p = c;
        for (int r = c + 1; r < d; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[p, c])) p = r;
        for (int k = 0; k <= d; k++) (a[c, k], a[p, k]) = (a[p, k], a[c, k]);
        for (int r = 0; r < d; r++)
        {
            if (r == c) continue;
            double f = a[r, c] / a[c, c];
            for (int k = c; k <= d; k++) a[r, k] -= f * a[c, k];
        }
    }
    return [.. Enumerable.Range(0, d).Select(i => a[i, d] / a[i, i])];
}
