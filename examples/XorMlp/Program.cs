// XOR is not linearly separable, so no perceptron or logistic unit can fit it (see the Perceptron
// example). One hidden layer is enough: 2 inputs -> 4 tanh units -> 1 logit, P(y = 1 | x) = σ(logit),
// trained with the log loss (binary cross-entropy on the logit) by Adam. No backward code anywhere:
// the tape differentiates the loss. The same training of a model without the hidden layer stays
// stuck at the best a linear model can do, loss ln 2 (it predicts ½ everywhere).
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

var x = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
var y = Tensor.FromArray(new float[] { 0, 1, 1, 0 });

(double Loss, double[] P) Train(Sequential net, int steps)
{
    var optimizer = new Adam(net, learningRate: 0.05);
    Console.WriteLine($"{net}\n  step   loss");
    for (int step = 1; step <= steps; step++)
    {
        optimizer.ZeroGrad();
        var loss = Loss.BinaryCrossEntropyWithLogits(net.Forward(x).Squeeze(-1), y);
        loss.Backward();
        optimizer.Step();
        if (step == 1 || step % 100 == 0) Console.WriteLine($"  {step,4}   {loss.Item():F4}");
    }
    var p = net.Forward(x).Squeeze(-1).Sigmoid();
    return (Loss.BinaryCrossEntropyWithLogits(net.Forward(x).Squeeze(-1), y).Item(), p.ToDoubleArray());
}

var mlp = Mlp.Create([2, 4, 1], Activation.Tanh, new Generator(7));
var (mlpLoss, p) = Train(mlp, steps: 500);
Console.WriteLine("  x1 x2 | y   P(y = 1 | x)");
for (int i = 0; i < 4; i++) Console.WriteLine($"   {x[i, 0]}  {x[i, 1]} | {y[i]}   {p[i]:F4}");
Check($"the MLP fits XOR: final loss {mlpLoss:F4} < 0.05", mlpLoss < 0.05);
Check("every example is on the right side of ½ by a wide margin (P < 0.1 for 0, P > 0.9 for 1)",
    Enumerable.Range(0, 4).All(i => y[i] == 1 ? p[i] > 0.9 : p[i] < 0.1));

Console.WriteLine();
var linear = Mlp.Create([2, 1], Activation.Tanh, new Generator(7)); // two sizes: a single Linear
var (linearLoss, q) = Train(linear, steps: 500);
Console.WriteLine($"  P(y = 1 | x) = [{string.Join(", ", q.Select(v => v.ToString("F4")))}]");
Check($"without a hidden layer the loss stays at ln 2 = {Math.Log(2):F4} (got {linearLoss:F4}): a linear model cannot do better on XOR",
    Math.Abs(linearLoss - Math.Log(2)) < 1e-3);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
