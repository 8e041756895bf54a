// A regression task through the data abstraction, with a novel layer built from the new ops and
// trained with layer-specific learning rates.
//
// Data: the yearly sunspot numbers (1700–2008), standardized on 1700–1920; each example is the
// window of the 12 previous years ([12] features) and its target the next year's value (a float:
// regression, not classes). The windows go into a TensorDataset (features [N, 12], targets [N]) and
// a BatchLoader shuffles them into minibatches of 16 every epoch, reusing its buffers.
//
// Model: Linear 12 → 16, then a gated residual block of our own, a MultiInputModule of two inputs
// (the hidden state h and the raw window x):
//     g = σ(h·W_g + x·U_g),   h′ = g ⊙ GELU(h·W_h) + (1 − g) ⊙ h
// and a linear read-out 16 → 1. GELU is the exact erf form (one of the new ops). The gate's
// weights train with a tenth of the rate of the rest: two parameter groups of one Adam, with
// coupled L2 decay (PyTorch's Adam weight_decay) on the weights only.
//
// Measured as in the classic benchmark (Weigend et al.): ARV, the mean squared error divided by
// the variance of the series, on 1921–1955 and 1956–1979, against persistence (next year = this year).
using System.Globalization;
using AutoGrad;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// The claims hold for seeds 1 to 4 (checked); pass a seed as the first argument to try another.
ulong seed = args.Length > 0 ? ulong.Parse(args[0], CultureInfo.InvariantCulture) : 1;
const int Window = 12, Hidden = 16, Epochs = 120, BatchSize = 16;
var sunspots = EmbeddedDatasets.Sunspots();
var scale = SeriesScale.Standardize(sunspots.Between(1700, 1920));
var scaled = scale.Apply(sunspots);
double variance = scale.ScaleVariance(sunspots.Variance);

var train = scaled.Windows(Window, 1700, 1920, WindowLayout.Flat);
var data = new TensorDataset(train.Inputs, train.Targets.Reshape([-1]));
Console.WriteLine($"{data.Count} training windows: features [{string.Join(", ", data.FeatureShape)}], target kind {data.TargetKind}, target shape [{string.Join(", ", data.TargetShape)}]");

var gen = new Generator(seed);
var model = new GatedRegressor(Window, Hidden, gen);
var optimizer = new Adam(
    [new ParameterGroup(model.Gate.Parameters()) { LearningRate = 0.0005 },
     new ParameterGroup(model.Body.Weights().Concat(model.Readout.Weights())),
     new ParameterGroup(model.Body.Biases().Concat(model.Readout.Biases())) { L2WeightDecay = 0 }],
    learningRate: 0.005, l2WeightDecay: 1e-4);
double gateRatio = optimizer.LearningRateOf(0) / optimizer.LearningRateOf(model.Gate.Parameters().Count());
Console.WriteLine($"model: {model.ParameterCount()} weights in {optimizer.GroupCount} groups; gate rate {optimizer.LearningRateOf(0)}, others {optimizer.LearningRate}");
var schedule = new LinearWarmupLR(optimizer, warmupSteps: 5, startFactor: 0.2, then: new CosineAnnealingLR(optimizer, Epochs - 5));
var loader = new BatchLoader(data, BatchSize, new Generator(seed + 1));

long epochBytes = 0;
for (int epoch = 0; epoch < Epochs; epoch++)
{
    long before = GC.GetAllocatedBytesForCurrentThread();
    int batches = 0;
    foreach (var batch in loader)
    {
        batches++;
        if (epoch == 1 && batches == 1) epochBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        optimizer.ZeroGrad();
        var prediction = model.Forward(batch.X).Reshape([-1]);
        var loss = (prediction - batch.Targets!).Square().Mean();
        loss.Backward();
        optimizer.Step();
    }
    schedule.Step();
}

double Arv(double from, double to)
{
    var w = scaled.Windows(Window, from, to, WindowLayout.Flat);
    using var _ = AutoGrad.Autograd.Tape.NoGrad();
    return Metrics.Arv(model.Forward(w.Inputs).ToDoubleArray(), w.TargetValues, variance);
}

double Persistence(double from, double to)
{
    var w = scaled.Windows(Window, from, to, WindowLayout.Flat);
    var last = w.Inputs.ToDoubleArray().Where((_, i) => i % Window == Window - 1).ToArray();
    return Metrics.Arv(last, w.TargetValues, variance);
}

double a1 = Arv(1921, 1955), a2 = Arv(1956, 1979), p1 = Persistence(1921, 1955), p2 = Persistence(1956, 1979);
Console.WriteLine($"\nARV            1921-1955  1956-1979");
Console.WriteLine($"gated GELU     {a1,9:F3}  {a2,9:F3}");
Console.WriteLine($"persistence    {p1,9:F3}  {p2,9:F3}");
Console.WriteLine($"(Weigend et al. report 0.086 and 0.35 for their network)\n");
Check($"the targets are float values through TensorDataset and BatchLoader ({loader.BatchCount} batches an epoch)", data.TargetKind == TargetKind.Values && loader.BatchCount == (data.Count + BatchSize - 1) / BatchSize);
Check($"the loader's batches reuse their buffers (the first batch of epoch 2 allocated {epochBytes} bytes)", epochBytes == 0);
double midRatio = optimizer.State().Hyperparameters["group0.lr_scale"];
Check($"the gate trains at a tenth of the rate of the rest, and keeps that ratio through the schedule ({gateRatio:F2}, {midRatio:F2})", Math.Abs(gateRatio - 0.1) < 1e-12 && Math.Abs(midRatio - 0.1) < 1e-12);
Check($"the model beats persistence by far on 1921-1955 ({a1:F3} < {p1:F3} / 2)", a1 < p1 / 2);
Check($"and on 1956-1979 ({a2:F3} < {p2:F3})", a2 < p2);
Check($"it comes close to the classic figure on 1921-1955 (ARV < 0.15)", a1 < 0.15);

Console.WriteLine(failures == 0 ? "\nall claims hold" : $"\n{failures} claim(s) FAILED");
return failures == 0 ? 0 : 1;

/// <summary>g = σ(h·W_g + x·U_g), h′ = g ⊙ GELU(h·W_h) + (1 − g) ⊙ h: a block of two inputs (h, x).</summary>
sealed class GatedBlock : MultiInputModule
{
    private readonly Linear _gateH, _gateX, _transform;

    public GatedBlock(int hidden, int inputs, Generator gen)
    {
        _gateH = RegisterModule("gate_h", new Linear(hidden, hidden, gen));
        _gateX = RegisterModule("gate_x", new Linear(inputs, hidden, gen, bias: false));
        _transform = RegisterModule("transform", new Linear(hidden, hidden, gen));
    }

    public override Tensor[] Forward(Tensor[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (h, x) = (inputs[0], inputs[1]);
        var g = (_gateH.Forward(h) + _gateX.Forward(x)).Sigmoid();
        return [g * _transform.Forward(h).Gelu() + (1.0 - g) * h];
    }
}

/// <summary>Linear, the gated block (fed the hidden state and the raw window), a linear read-out.</summary>
sealed class GatedRegressor : Module
{
    public GatedRegressor(int window, int hidden, Generator gen)
    {
        Body = RegisterModule("body", new Linear(window, hidden, gen));
        Gate = RegisterModule("gate", new GatedBlock(hidden, window, gen));
        Readout = RegisterModule("readout", new Linear(hidden, 1, gen));
    }

    public Linear Body { get; }
    public GatedBlock Gate { get; }
    public Linear Readout { get; }

    public override Tensor Forward(Tensor x) => Readout.Forward(Gate.Call([Body.Forward(x).Tanh(), x])[0]);
}
