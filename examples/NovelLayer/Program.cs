// A layer the library does not have, composed from ops with no backward code: a gated linear unit,
//   y = (x·W + b) ⊙ σ(x·V + c),
// where one linear map proposes values and a second, through a sigmoid, decides how much of each
// passes. The product of two functions of x makes it multiplicative: a single such layer can
// represent x₁·x₂, which no linear model can. The tape differentiates it; GradCheck confirms the
// gradients for the input and all four parameters; then it is trained to learn y = x₁·x₂. Last,
// weight sharing: one matrix used twice gets the sum of both uses' gradients.
using AutoGrad;
using AutoGrad.Autograd;
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

// 1. What the tape records for one call: the layer is nothing but primitive ops.
var gen = new Generator(17);
var layer = new GatedLinear(2, 3, gen, DType.Float64);
Console.WriteLine($"1. {layer}, parameters {string.Join(", ", layer.NamedParameters().Select(p => $"{p.Name} {ShapeOf(p.Parameter)}"))}");
var output = layer.Forward(Tensor.Normal(gen, 0, 1, DType.Float64, 4, 2));
var ops = new List<Node>();
var pending = new Stack<Node>([output.GradFn!]);
var seen = new HashSet<Node>();
while (pending.Count > 0)
{
    var node = pending.Pop();
    if (!seen.Add(node)) continue;
    ops.Add(node);
    foreach (var input in node.Inputs) if (input.GradFn is { } parent) pending.Push(parent);
}
Console.WriteLine($"  ops recorded by one forward pass, in order: {string.Join(", ", ops.OrderBy(n => n.Sequence).Select(n => n.Name))}");
Check("the layer's graph holds only the library's primitive ops (matmul, add, sigmoid, mul)",
    ops.All(n => n.Name is "matmul" or "add" or "sigmoid" or "mul") && ops.Count == 6);

// 2. GradCheck: float64 central differences for the input and every parameter.
var check = GradCheck.Run(p => GatedLinear.Apply(p[0], p[1], p[2], p[3], p[4]),
    [Tensor.Normal(gen, 0, 1, DType.Float64, 4, 2).RequireGrad(), .. layer.Parameters().Select(p => p.Detach().Clone().RequireGrad())]);
Console.WriteLine($"\n2. gradient check of y = GatedLinear(x) with respect to x and the parameters\n  {check}");
Check("the tape's gradients of y with respect to x, W, b, V and c agree with finite differences", check.Passed);

// 3. Training: y = x₁·x₂ on [−1, 1]², a gated layer of 8 units and a linear read-out, Adam.
Console.WriteLine("\n3. learning y = x₁·x₂ from 256 points");
var x = Tensor.Uniform(gen, -1, 1, DType.Float32, 256, 2);
var y = (x.Select(1, 0) * x.Select(1, 1)).Unsqueeze(1);
var xTest = Tensor.Uniform(gen, -1, 1, DType.Float32, 1000, 2);
var yTest = (xTest.Select(1, 0) * xTest.Select(1, 1)).Unsqueeze(1);
var model = new Sequential(new GatedLinear(2, 8, gen), new Linear(8, 1, gen));
var linear = new Linear(2, 1, gen); // the best a linear model can do: predict the mean
var adam = new Adam([.. model.Parameters(), .. linear.Parameters()], learningRate: 0.02);
Console.WriteLine("  step   gated: test MSE   linear: test MSE");
double gatedMse = 0, linearMse = 0;
for (int step = 1; step <= 500; step++)
{
    adam.ZeroGrad();
    (Loss.SquaredError(model.Forward(x), y) + Loss.SquaredError(linear.Forward(x), y)).Backward();
    adam.Step();
    if (step is 1 or 50 or 200 or 500)
    {
        using (Tape.NoGrad())
        {
            gatedMse = Loss.SquaredError(model.Forward(xTest), yTest).Item();
            linearMse = Loss.SquaredError(linear.Forward(xTest), yTest).Item();
        }
        Console.WriteLine($"  {step,4}   {gatedMse,15:F5}   {linearMse,16:F5}");
    }
}
Console.WriteLine($"  variance of y on the test points: {yTest.Var().Item():F5} (1/9 for the true distribution)");
Check($"the gated network learns the product (test MSE {gatedMse:F5} < 0.002)", gatedMse < 0.002);
Check($"a linear model cannot (test MSE {linearMse:F4} > 0.09, the variance of y)", linearMse > 0.09);

// 4. Weight sharing: a tied autoencoder uses one matrix twice, h = tanh(x·W), x̂ = h·Wᵀ. The tape
//    adds up the gradients of both uses: untying W into two copies gives the two parts, which sum
//    to the shared gradient.
Console.WriteLine("\n4. weight sharing: a tied autoencoder x̂ = tanh(x·W)·Wᵀ");
var shared = Tensor.Normal(gen, 0, 0.5, DType.Float64, 5, 2).RequireGrad();
var batch = Tensor.Normal(gen, 0, 1, DType.Float64, 8, 5);
Tensor Reconstruction(Tensor encoder, Tensor decoder) => Loss.SquaredError(Tensor.Matmul(Tensor.Matmul(batch, encoder).Tanh(), decoder.T), batch);
Reconstruction(shared, shared).Backward();
var encoderCopy = shared.Detach().Clone().RequireGrad();
var decoderCopy = shared.Detach().Clone().RequireGrad();
Reconstruction(encoderCopy, decoderCopy).Backward();
double sharingGap = (shared.Grad! - (encoderCopy.Grad! + decoderCopy.Grad!)).Abs().Max().Item();
Check($"∂L/∂W of the shared matrix = encoder part + decoder part (largest gap {sharingGap:0.0e+0})", sharingGap < 1e-12);
var tiedCheck = GradCheck.Run(w => Reconstruction(w, w), shared.Detach().Clone().RequireGrad());
Console.WriteLine($"  {tiedCheck}");
Check("the tape agrees with finite differences for the tied weights", tiedCheck.Passed);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;

static string ShapeOf(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";

/// <summary>A gated linear unit: y = (x·W + b) ⊙ σ(x·V + c), W and V of shape [in, out].</summary>
internal sealed class GatedLinear : Module
{
    private readonly Tensor _w, _b, _v, _c;

    public GatedLinear(int inFeatures, int outFeatures, Generator generator, DType dtype = DType.Float32)
    {
        _w = RegisterParameter("w", Init.LeCunNormal(Tensor.Zeros(dtype, inFeatures, outFeatures), generator));
        _b = RegisterParameter("b", Tensor.Zeros(dtype, outFeatures), isBias: true);
        _v = RegisterParameter("v", Init.LeCunNormal(Tensor.Zeros(dtype, inFeatures, outFeatures), generator));
        _c = RegisterParameter("c", Tensor.Zeros(dtype, outFeatures), isBias: true);
        Size = (inFeatures, outFeatures);
    }

    public (int In, int Out) Size { get; }

    // The layer as a function of its parameters, so GradCheck can perturb each of them.
    public static Tensor Apply(Tensor x, Tensor w, Tensor b, Tensor v, Tensor c) =>
        (Tensor.Matmul(x, w) + b) * (Tensor.Matmul(x, v) + c).Sigmoid();

    public override Tensor Forward(Tensor input) => Apply(input, _w, _b, _v, _c);

    public override string ToString() => $"GatedLinear({Size.In} -> {Size.Out})";
}
