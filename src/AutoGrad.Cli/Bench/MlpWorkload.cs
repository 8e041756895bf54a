using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Cli.Bench;

/// <summary>
/// The standard training-step workload of SPEC, as ../shared/bench/torch_anchor.py runs it: an
/// MLP (Linear layers, ReLU) from the library, softmax cross-entropy, SGD with momentum 0.9 and
/// learning rate 0.05; one full step is zero grad, forward, loss, backward, update, on a fixed
/// batch, inside a <see cref="StepScope"/> so steady-state steps reuse their buffers. The same step
/// can be captured once into a <see cref="StepPlan"/> and replayed with no allocation.
/// </summary>
public sealed class MlpWorkload
{
    private readonly Sequential _model;
    private readonly Optimizer _optimizer;

    public MlpWorkload(int[] sizes, int batch, ulong seed = 0)
    {
        var rng = new Generator(seed);
        // PyTorch's nn.Linear default: U(−1/√fan_in, 1/√fan_in).
        _model = Mlp.Create(sizes, Activation.ReLU, rng, init: Initializer.Uniform(-1 / Math.Sqrt(sizes[0]), 1 / Math.Sqrt(sizes[0])));
        _optimizer = new Momentum(_model, learningRate: 0.05, gamma: 0.9);
        Input = Tensor.Rand(rng, batch, sizes[0]);
        Labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(sizes[^1])).ToArray();
    }

    public Tensor Input { get; }

    public int[] Labels { get; }

    /// <summary>One training step on the given batch; returns the loss.</summary>
    public double Step(Tensor x, int[] y)
    {
        using var scope = StepScope.Begin();
        _optimizer.ZeroGrad();
        var loss = Loss.SoftmaxCrossEntropy(_model.Forward(x), y);
        loss.Backward();
        _optimizer.Step();
        return loss.Item();
    }

    public double Step() => Step(Input, Labels);

    /// <summary>
    /// Captures one step on <see cref="Input"/> and <see cref="Labels"/> (it runs as a real step);
    /// each <see cref="StepPlan.Run"/> is then one more step on their current contents.
    /// </summary>
    public StepPlan Capture() => StepPlan.Capture(() =>
    {
        _optimizer.ZeroGrad();
        var loss = Loss.SoftmaxCrossEntropy(_model.Forward(Input), Labels);
        loss.Backward();
        _optimizer.Step();
        return loss;
    }, Labels);
}
