// Initialization (notes 000-002, 004). Two facts decide how the weights should start.
//
// 1. Not all equal. If every weight starts at the same value (0, say), every hidden unit computes
//    the same function of the input, gets the same gradient, and takes the same step: the units stay
//    identical forever, and a layer of 16 units is worth one. Random weights break the symmetry.
// 2. Not too large, not too small: the scale 1/√n. A unit's pre-activation z = Σᵢ wᵢxᵢ over n inputs
//    has variance n·Var(w)·Var(x). Weights of variance 1 make z grow like √n (and saturate tanh and
//    sigmoid); the notes' N(0, 1/n) keeps Var(z) = Var(x) at any width. Through many ReLU layers,
//    which zero half their inputs, the variance halves per layer unless the weights have variance
//    2/n (He initialization).
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

// Seeds 1 to 7 give the same picture (layer 10 / layer 1 through ReLU layers: 0.035-0.051 for
// N(0, 1/n), 0.79-1.15 for He).
const ulong seed = 1;
var digits = EmbeddedDatasets.Digits();
var (trainAll, test) = DataSplit.Holdout(digits, 0.2, new Generator(seed), stratified: true);
var scaler = Standardizer.Fit(trainAll);
var (train, testStd) = (scaler.Transform(trainAll), scaler.Transform(test));

// Trains an MLP 64 -> 16 -> 10 with the given weight initialization (biases start at 0).
(Sequential Net, double Loss, double Accuracy) Fit(Initializer init, Activation activation, int epochs)
{
    var net = Mlp.Create([64, 16, 10], activation, new Generator(seed + 1), init: init);
    var optimizer = new Adam(net, 0.01);
    var loader = new DataLoader(train, 64, new Generator(seed + 2));
    var guard = new DivergenceGuard(net);
    for (int epoch = 1; epoch <= epochs; epoch++)
    {
        guard.BeginEpoch(epoch);
        foreach (var (x, y) in loader)
        {
            optimizer.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(net.Forward(x), y);
            guard.CheckLoss(loss.Item());
            loss.Backward();
            optimizer.Step();
            guard.CheckParameters();
        }
    }
    using var _ = Tape.NoGrad();
    var logits = net.Forward(testStd.Features);
    return (net, Metrics.LogLossFromLogits(net.Forward(train.Features), train.Labels), Metrics.Accuracy(logits, testStd.Labels));
}

// 1. Symmetry.
Console.WriteLine("1. MLP 64 -> 16 -> 10 (sigmoid), Adam, 10 epochs on the digits");
var (zeroNet, zeroLoss, zeroAcc) = Fit(Initializer.Zeros, Activation.Sigmoid, 10);
var (_, randLoss, randAcc) = Fit(Initializer.LeCunNormal, Activation.Sigmoid, 10);
var w1 = ((Linear)zeroNet[0]).Weight.ToFloatArray();   // [64, 16]: column j is hidden unit j's incoming weights
var w2 = ((Linear)zeroNet[2]).Weight.ToFloatArray();   // [16, 10]: row j its outgoing weights
double spreadIn = 0, spreadOut = 0;
for (int j = 1; j < 16; j++)
{
    for (int i = 0; i < 64; i++) spreadIn = Math.Max(spreadIn, Math.Abs(w1[i * 16 + j] - w1[i * 16]));
    for (int k = 0; k < 10; k++) spreadOut = Math.Max(spreadOut, Math.Abs(w2[j * 10 + k] - w2[k]));
}
double moved = w1.Max(Math.Abs);
Console.WriteLine($"   zeros:       training loss {zeroLoss:F4}, test accuracy {zeroAcc:P1}; the 16 hidden units' weights differ by at most {spreadIn} (in) and {spreadOut} (out), though they moved up to {moved:F3} from 0");
Console.WriteLine($"   N(0, 1/n):   training loss {randLoss:F4}, test accuracy {randAcc:P1}\n");
Check("from all-zero weights the 16 hidden units stay exactly identical after training: every unit has the same incoming and outgoing weights", spreadIn == 0 && spreadOut == 0);
Check($"not because nothing was learnt: the first layer's weights moved (up to {moved:F3})", moved > 1e-3);
Check($"so the layer is worth one unit: {zeroAcc:P1} on the test digits against {randAcc:P1} from random weights (20 points or more behind)", zeroAcc <= randAcc - 0.20);

// 2a. The scale of z = x·W at widths n.
Console.WriteLine("2. standard deviation of z = x·W for inputs x ~ N(0, 1) of width n (256 rows, 256 units)");
Console.WriteLine($"   {"n",6}{"W ~ N(0, 1)",14}{"√n",8}{"W ~ N(0, 1/n)",16}");
bool scaleHolds = true;
foreach (int n in new[] { 16, 64, 256, 1024 })
{
    var g = new Generator(seed + (ulong)n);
    var x = Tensor.Normal(g, 0, 1, DType.Float32, 256, n);
    double Std(Initializer init)
    {
        var layer = new Linear(n, 256, g, init: init, bias: false);
        using var _ = Tape.NoGrad();
        var z = layer.Forward(x).ToFloatArray();
        return Math.Sqrt(z.Select(v => (double)v * v).Average());
    }
    double unit = Std(Initializer.StandardNormal), scaled = Std(Initializer.LeCunNormal);
    Console.WriteLine($"   {n,6}{unit,14:F2}{Math.Sqrt(n),8:F2}{scaled,16:F3}");
    scaleHolds &= Math.Abs(unit / Math.Sqrt(n) - 1) < 0.05 && Math.Abs(scaled - 1) < 0.05;
}
Check("with N(0, 1) weights the pre-activations grow like √n; with the notes' N(0, 1/n) their standard deviation stays 1 at every width (both within 5%)", scaleHolds);

// 2b. Ten ReLU layers of width 256: the activations' scale, layer by layer.
double[] Depth(Initializer init)
{
    var g = new Generator(seed + 100);
    var h = Tensor.Normal(g, 0, 1, DType.Float32, 128, 256);
    var rms = new double[10];
    using var _ = Tape.NoGrad();
    for (int l = 0; l < 10; l++)
    {
        h = new Linear(256, 256, g, init: init, bias: false).Forward(h).Relu();
        rms[l] = Math.Sqrt(h.ToFloatArray().Select(v => (double)v * v).Average());
    }
    return rms;
}
var lecun = Depth(Initializer.LeCunNormal);
var he = Depth(Initializer.HeNormal);
Console.WriteLine("\n   RMS of the activations after each of 10 ReLU layers of width 256 (input RMS 1):");
Console.WriteLine($"   {"N(0, 1/n)",-12}" + string.Concat(lecun.Select(r => $"{r,7:F3}")));
Console.WriteLine($"   {"He N(0, 2/n)",-12}" + string.Concat(he.Select(r => $"{r,7:F3}")));
Check($"through ReLU layers N(0, 1/n) loses a factor √2 per layer (layer 10 / layer 1 = {lecun[9] / lecun[0]:F3}, within 40% of (1/√2)⁹ = {Math.Pow(0.5, 4.5):F3})", Math.Abs(lecun[9] / lecun[0] / Math.Pow(0.5, 4.5) - 1) < 0.4);
Check($"while He's N(0, 2/n) keeps it (layer 10 / layer 1 = {he[9] / he[0]:F3}, between 2/3 and 3/2)", he[9] / he[0] is > 2.0 / 3 and < 1.5);

// 2c. What the scale does to training: weights of variance 1 saturate the tanh units.
Console.WriteLine("\n3. MLP 64 -> 16 -> 10 (tanh), Adam, 3 epochs");
var (_, bigLoss, bigAcc) = Fit(Initializer.StandardNormal, Activation.Tanh, 3);
var (_, goodLoss, goodAcc) = Fit(Initializer.LeCunNormal, Activation.Tanh, 3);
Console.WriteLine($"   N(0, 1):     training loss {bigLoss:F4}, test accuracy {bigAcc:P1}");
Console.WriteLine($"   N(0, 1/n):   training loss {goodLoss:F4}, test accuracy {goodAcc:P1}\n");
Check($"the notes' N(0, 1/n) trains faster than N(0, 1): training loss {goodLoss:F4} < {bigLoss:F4} after 3 epochs", goodLoss < bigLoss);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
