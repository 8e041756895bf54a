using AutoGrad.NN;

namespace AutoGrad.Tests.Support;

/// <summary>A test-only two-layer tanh network built from <see cref="TinyLinearModel"/>s, for dotted parameter names.</summary>
public sealed class TinyMlp : Module
{
    public TinyLinearModel Hidden { get; }
    public TinyLinearModel Output { get; }

    public TinyMlp(int inputs, int hidden, int outputs, Generator generator, DType dtype = DType.Float32)
    {
        Hidden = RegisterModule("hidden", new TinyLinearModel(inputs, hidden, generator, dtype));
        Output = RegisterModule("output", new TinyLinearModel(hidden, outputs, generator, dtype));
    }

    public override Tensor Forward(Tensor input) => Output.Forward(Hidden.Forward(input).Tanh());

    /// <summary>Mean softmax cross-entropy, written with tensor ops: −mean(log_softmax(z)[y]).</summary>
    public static Tensor CrossEntropy(Tensor logits, int[] labels) => -logits.LogSoftmax(1).Gather(1, labels).Mean();
}
