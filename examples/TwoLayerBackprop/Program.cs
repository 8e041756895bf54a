// The backpropagation equations of notes 000-003, implemented by hand and checked against the tape
// and against finite differences, then used to train a network side by side with the tape.
//
// Layout: Linear holds W [in, out] and computes x·W + b, so W[i, j] is the weight from unit i to
// unit j (note 000's w_ji⁽¹⁾ is W1[i, j] here).
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Checking;
using AutoGrad.Losses;
using AutoGrad.NN;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}
static double Sigma(double z) => 1 / (1 + Math.Exp(-z));
static double MaxDiff(Tensor a, Tensor b) => a.ToDoubleArray().Zip(b.ToDoubleArray()).Max(p => Math.Abs(p.First - p.Second));
var gen = new Generator(11);

// 1. Note 000 (L511-615): one example, sigmoid hidden units and output, no biases (the dummy
//    feature x₀ = 1 plays the bias), E = ½(y − o)²:
//      δ = −(y − o)·o(1 − o)
//      ∂E/∂w_j⁽²⁾ = δ·h_j
//      ∂E/∂w_ji⁽¹⁾ = δ·w_j⁽²⁾·h_j(1 − h_j)·x_i
Console.WriteLine("1. note 000: one example, x = (1, 0.7, −1.3), y = 0.25, three hidden units");
var first = new Linear(3, 3, gen, bias: false, dtype: DType.Float64);
var second = new Linear(3, 1, gen, bias: false, dtype: DType.Float64);
var net000 = new Sequential(first, new Sigmoid(), second, new Sigmoid());
var x = Perceptron.AddDummyFeature(Tensor.From(DType.Float64, [0.7, -1.3], 2));
const double Y = 0.25;
Loss.HalfSquaredError(net000.Forward(x), Tensor.From(DType.Float64, [Y], 1)).Backward();

var h = new double[3];
for (int j = 0; j < 3; j++) h[j] = Sigma(Enumerable.Range(0, 3).Sum(i => first.Weight[i, j] * x[i]));
double o = Sigma(Enumerable.Range(0, 3).Sum(j => second.Weight[j, 0] * h[j]));
double delta = -(Y - o) * o * (1 - o);
Console.WriteLine($"  h = ({h[0]:F6}, {h[1]:F6}, {h[2]:F6}), o = {o:F6}, δ = −(y − o)o(1 − o) = {delta:F6}");
Console.WriteLine("  j   δ·h_j         tape ∂E/∂w_j⁽²⁾");
double worst = 0;
for (int j = 0; j < 3; j++)
{
    Console.WriteLine($"  {j + 1}   {delta * h[j],11:F8}   {second.Weight.Grad![j, 0],11:F8}");
    worst = Math.Max(worst, Math.Abs(delta * h[j] - second.Weight.Grad![j, 0]));
    for (int i = 0; i < 3; i++)
        worst = Math.Max(worst, Math.Abs(delta * second.Weight[j, 0] * h[j] * (1 - h[j]) * x[i] - first.Weight.Grad![i, j]));
}
Check($"δ·h_j and δ·w_j⁽²⁾·h_j(1 − h_j)·x_i equal the tape's gradients of all 12 weights (largest gap {worst:0.0e+0})", worst < 1e-12);

// 2. The matrix form for a minibatch (note 002 L734-782, note 003's δ^z, δ^h, δ^u), with biases:
//      H = σ(X·W1 + b1), O = σ(H·W2 + b2)
//      δ^z = ∂E/∂(H·W2 + b2)                 (the output delta; the only part that depends on the cost)
//      ∂E/∂W2 = Hᵀ·δ^z,  ∂E/∂b2 = Σ_rows δ^z
//      δ^h = δ^z·W2ᵀ,   δ^u = δ^h ⊙ H ⊙ (1 − H)
//      ∂E/∂W1 = Xᵀ·δ^u,  ∂E/∂b1 = Σ_rows δ^u
//    Two costs: note 003's E = ½ΣₙΣₖ(o − t)², δ^z = (O − T) ⊙ O(1 − O); and note 001's
//    C = (1/M)Σₘ (1/n_L)Σⱼ(y − o)², δ_L = −2(Y − O) ⊙ O(1 − O)/(n_L·M) (L118-125, L186).
Console.WriteLine("\n2. the matrix form on a minibatch of 6 examples, network 4 -> 5 -> 3, sigmoid units");
var l1 = new Linear(4, 5, gen, dtype: DType.Float64);
var l2 = new Linear(5, 3, gen, dtype: DType.Float64);
Init.Normal(l1.Bias!, 0, 0.5, gen);
Init.Normal(l2.Bias!, 0, 0.5, gen);
var net = new Sequential(l1, new Sigmoid(), l2, new Sigmoid());
var X = Tensor.Normal(gen, 0, 1, DType.Float64, 6, 4);
var T = Tensor.Uniform(gen, 0, 1, DType.Float64, 6, 3);

(Tensor W1, Tensor B1, Tensor W2, Tensor B2) Backprop(Tensor input, Func<Tensor, Tensor> outputDelta)
{
    using var _ = Tape.NoGrad(); // plain arithmetic: nothing recorded, no gradient from the tape
    var hidden = (Tensor.Matmul(input, l1.Weight) + l1.Bias!).Sigmoid();
    var output = (Tensor.Matmul(hidden, l2.Weight) + l2.Bias!).Sigmoid();
    var dz = outputDelta(output);
    var du = Tensor.Matmul(dz, l2.Weight.T) * hidden * (1.0 - hidden);
    return (Tensor.Matmul(input.T, du), du.Sum(0), Tensor.Matmul(hidden.T, dz), dz.Sum(0));
}

var costs = new (string Name, Func<Tensor, Tensor> Cost, Func<Tensor, Tensor> Delta)[]
{
    ("note 003: E = ½ΣΣ(o − t)², δ^z = (O − T)⊙O(1 − O)",
        output => Loss.HalfSquaredError(output, T),
        output => (output - T) * output * (1.0 - output)),
    ("note 001: C = mean of (y − o)², δ_L = −2(Y − O)⊙O(1 − O)/(n_L·M)",
        output => Loss.SquaredError(output, T),
        output => -2.0 * (T - output) * output * (1.0 - output) / (3.0 * 6.0)),
};
foreach (var (name, cost, outputDelta) in costs)
{
    net.ZeroGrad();
    cost(net.Forward(X)).Backward();
    var byHand = Backprop(X, outputDelta);
    double gap = new[]
    {
        MaxDiff(byHand.W1, l1.Weight.Grad!), MaxDiff(byHand.B1, l1.Bias!.Grad!),
        MaxDiff(byHand.W2, l2.Weight.Grad!), MaxDiff(byHand.B2, l2.Bias!.Grad!),
    }.Max();
    Console.WriteLine($"  {name}");
    Console.WriteLine($"    ∂/∂W1[0, 0..2]: by hand ({byHand.W1[0, 0]:F8}, {byHand.W1[0, 1]:F8}, {byHand.W1[0, 2]:F8})");
    Console.WriteLine($"                    tape    ({l1.Weight.Grad![0, 0]:F8}, {l1.Weight.Grad![0, 1]:F8}, {l1.Weight.Grad![0, 2]:F8})");
    Check($"the hand-written deltas give the tape's gradients of all {net.ParameterCount()} parameters (largest gap {gap:0.0e+0})", gap < 1e-12);
}

// The tape itself against float64 central differences, for every parameter entry.
var check = GradCheck.Run(p => Loss.HalfSquaredError((Tensor.Matmul((Tensor.Matmul(X, p[0]) + p[1]).Sigmoid(), p[2]) + p[3]).Sigmoid(), T),
    [.. net.Parameters().Select(p => p.Detach().Clone().RequireGrad())]);
Console.WriteLine($"  {check}");
Check("the tape agrees with finite differences on this network", check.Passed);

// 3. Training with nothing but the hand-written equations, checking the tape's gradient at every
//    step: points inside the unit circle are class 1, a 2 -> 8 -> 1 sigmoid network,
//    E = ½Σ(o − t)², full-batch gradient descent.
Console.WriteLine("\n3. training on 'inside the unit circle' with the hand-written gradients, network 2 -> 8 -> 1, η = 0.5");
var points = Tensor.Uniform(gen, -1.6, 1.6, DType.Float64, 80, 2);
var inside = (points.Square().Sum(1, keepDim: true) < 1.0).To(DType.Float64); // [80, 1] of 0/1
l1 = new Linear(2, 8, gen, dtype: DType.Float64);
l2 = new Linear(8, 1, gen, dtype: DType.Float64);
net = new Sequential(l1, new Sigmoid(), l2, new Sigmoid());
double initial = Loss.HalfSquaredError(net.Forward(points), inside).Item(), loss = initial, stepGap = 0;
Console.WriteLine("  step   E = ½Σ(o − t)²");
for (int step = 1; step <= 1500; step++)
{
    var g = Backprop(points, output => (output - inside) * output * (1.0 - output));

    net.ZeroGrad();
    var tapeLoss = Loss.HalfSquaredError(net.Forward(points), inside);
    tapeLoss.Backward(); // only to compare: the update below uses the hand-written gradient
    stepGap = Math.Max(stepGap, new[] { MaxDiff(g.W1, l1.Weight.Grad!), MaxDiff(g.B1, l1.Bias!.Grad!), MaxDiff(g.W2, l2.Weight.Grad!), MaxDiff(g.B2, l2.Bias!.Grad!) }.Max());
    loss = tapeLoss.Item();
    if (step is 1 or 10 or 100 or 500 or 1000 or 1500) Console.WriteLine($"  {step,4}   {loss:F6}");

    using (Tape.NoGrad())
    {
        l1.Weight.CopyFrom(l1.Weight - 0.5 * g.W1);
        l1.Bias!.CopyFrom(l1.Bias! - 0.5 * g.B1);
        l2.Weight.CopyFrom(l2.Weight - 0.5 * g.W2);
        l2.Bias!.CopyFrom(l2.Bias! - 0.5 * g.B2);
    }
}
double accuracy;
using (Tape.NoGrad())
    accuracy = (net.Forward(points).Gt(0.5).To(DType.Float64) - inside).Abs().ToDoubleArray().Count(d => d == 0) / 80.0;
Check($"at each of the 1500 steps the hand-written gradient equalled the tape's (largest gap {stepGap:0.0e+0})", stepGap < 1e-12);
Check($"the loss fell from {initial:F4} to {loss:F4}, and {accuracy * 100:F0}% of the points are classified right (> 90%)", loss < initial / 4 && accuracy > 0.9);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
