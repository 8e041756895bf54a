using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Losses;

namespace AutoGrad.NN;

/// <summary>
/// Logistic regression: P(y = 1 | x) = σ(z), z = ⟨w, x⟩ + b, trained with the log loss
/// E = −[y log o + (1 − y) log(1 − o)] (note 000's exercise; note 003's "single layer sigmoid =
/// logistic regression"). dE/dz = o − y, so dE/dw = (o − y)·x. The loss is computed from the
/// logit z, stably, by <see cref="Losses.Loss.BinaryCrossEntropyWithLogits"/>.
/// </summary>
public sealed class LogisticRegression : Module
{
    /// <summary>Creates the model for d features.</summary>
    /// <exception cref="ArgumentOutOfRangeException">features is not positive.</exception>
    public LogisticRegression(int features, Generator generator, Initializer? init = null, DType dtype = DType.Float32) =>
        Linear = RegisterModule("linear", new Linear(features, 1, generator, init, bias: true, dtype));

    /// <summary>The affine map z = ⟨w, x⟩ + b (weight [d, 1], bias [1]).</summary>
    public Linear Linear { get; }

    /// <summary>z = ⟨w, x⟩ + b: [N, d] → [N].</summary>
    public Tensor Logits(Tensor x) => Linear.Forward(x).Squeeze(-1);

    /// <summary>o = σ(z) = P(y = 1 | x): [N, d] → [N].</summary>
    public override Tensor Forward(Tensor input) => Logits(input).Sigmoid();

    /// <summary>The class with the larger probability: 1 where z &gt; 0, else 0.</summary>
    public int[] Predict(Tensor x)
    {
        using (Tape.NoGrad())
            return Logits(x).ToDoubleArray().Select(z => z > 0 ? 1 : 0).ToArray();
    }

    /// <summary>Log loss (mean by default) against targets y [N] in {0, 1} (or soft labels in [0, 1]).</summary>
    /// <exception cref="ShapeException">y is not [N].</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, 1].</exception>
    public Tensor Loss(Tensor x, Tensor y, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("LogisticRegression.Loss", file, line);
        return Losses.Loss.BinaryCrossEntropyWithLogits(Logits(x), y, reduction);
    }
}
