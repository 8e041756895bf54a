using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Cli.Bench;

/// <summary>
/// The standard training-step workloads of SPEC, as ../shared/bench/torch_anchor.py runs them: a
/// network from the library (<see cref="Mlp"/>: Linear layers and ReLU; <see cref="Cnn"/>: the
/// anchor's two conv-ReLU-pool blocks and dense head), softmax cross-entropy, SGD with momentum 0.9
/// and learning rate 0.05; one full step is zero grad, forward, loss, backward, update, on a fixed
/// batch, inside a <see cref="StepScope"/> so steady-state steps reuse their buffers. The same step
/// can be captured once into a <see cref="StepPlan"/> and replayed with no allocation.
/// </summary>
public sealed class StepWorkload
{
    private readonly Module _model;
    private readonly Optimizer _optimizer;

    private StepWorkload(Module model, Tensor input, int[] labels)
    {
        _model = model;
        _optimizer = new Momentum(_model, learningRate: 0.05, gamma: 0.9);
        Input = input;
        Labels = labels;
    }

    /// <summary>An MLP of the given layer sizes on a batch of uniform random rows.</summary>
    public static StepWorkload Mlp(int[] sizes, int batch, ulong seed = 0)
    {
        var rng = new Generator(seed);
        // PyTorch's nn.Linear default: U(−1/√fan_in, 1/√fan_in).
        var model = NN.Mlp.Create(sizes, Activation.ReLU, rng, init: Initializer.Uniform(-1 / Math.Sqrt(sizes[0]), 1 / Math.Sqrt(sizes[0])));
        return new StepWorkload(model, Tensor.Rand(rng, batch, sizes[0]), RandomLabels(rng, batch, sizes[^1]));
    }

    /// <summary>
    /// The anchor's CNN on a batch of uniform random 1×28×28 images: conv 1→32 3×3 pad 1, ReLU,
    /// max-pool 2, conv 32→64 3×3 pad 1, ReLU, max-pool 2, flatten 3136, linear 128, ReLU, linear 10.
    /// </summary>
    public static StepWorkload Cnn(int batch, ulong seed = 0)
    {
        var rng = new Generator(seed);
        var model = NN.Cnn.Create(1, 28, 28, [32, 64], [128], 10, rng);
        return new StepWorkload(model, Tensor.Rand(rng, batch, 1, 28, 28), RandomLabels(rng, batch, 10));
    }

    /// <summary>
    /// The anchor's character-level language-model step: one-hot input of 65 symbols [32, 35, 65]
    /// (a random sequence of 36 symbols per row, the first 35 as input, the last 35 as targets), an
    /// LSTM with 128 hidden units, a linear read-out to 65 classes at every step, mean cross-entropy
    /// over all 32·35 steps.
    /// </summary>
    public static StepWorkload CharLstm(int batch = 32, int steps = 35, int symbols = 65, int hidden = 128, ulong seed = 0)
    {
        var rng = new Generator(seed);
        var sequence = Enumerable.Range(0, batch * (steps + 1)).Select(_ => rng.NextInt(symbols)).ToArray();
        var inputs = new int[batch * steps];
        var targets = new int[batch * steps];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
            {
                inputs[b * steps + t] = sequence[b * (steps + 1) + t];
                targets[b * steps + t] = sequence[b * (steps + 1) + t + 1];
            }
        var x = Tensor.OneHot(inputs, symbols).Reshape([batch, steps, symbols]);
        return new StepWorkload(new CharModel(symbols, hidden, rng), x, targets);
    }

    /// <summary>LSTM then a linear read-out at every step, flattened to [B·T, symbols] for the loss (the anchor's CharLstm).</summary>
    private sealed class CharModel : Module
    {
        private readonly Lstm _lstm;
        private readonly Linear _out;

        public CharModel(int symbols, int hidden, Generator rng)
        {
            _lstm = RegisterModule("lstm", new Lstm(symbols, hidden, rng));
            double k = 1 / Math.Sqrt(hidden); // nn.Linear's default U(−1/√fan_in, 1/√fan_in)
            _out = RegisterModule("out", new Linear(hidden, symbols, rng, Initializer.Uniform(-k, k)));
        }

        public override Tensor Forward(Tensor input) => _out.Forward(_lstm.Forward(input)).Reshape([-1, _out.OutFeatures]);
    }

    private static int[] RandomLabels(Generator rng, int batch, int classes) => Enumerable.Range(0, batch).Select(_ => rng.NextInt(classes)).ToArray();

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
