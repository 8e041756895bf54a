using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Losses;

namespace AutoGrad.NN;

/// <summary>
/// Softmax (multinomial logistic) regression: logits z = x·W + b, P(k | x) = softmax(z)_k,
/// trained with the log-likelihood cost −log a_k (note 001), whose gradient at the logits is
/// a − y (softmax minus one-hot), so dC/dW = xᵀ(a − y).
/// </summary>
public sealed class SoftmaxRegression : Module
{
    /// <summary>Creates the model for d features and k classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public SoftmaxRegression(int features, int classes, Generator generator, Initializer? init = null, DType dtype = DType.Float32) =>
        Linear = RegisterModule("linear", new Linear(features, classes, generator, init, bias: true, dtype));

    /// <summary>The affine map z = x·W + b (W [d, k], b [k]).</summary>
    public Linear Linear { get; }

    /// <summary>The logits z: [N, d] → [N, k].</summary>
    public override Tensor Forward(Tensor input) => Linear.Forward(input);

    /// <summary>softmax(z): class probabilities [N, k].</summary>
    public Tensor Probabilities(Tensor x) => Forward(x).Softmax(-1);

    /// <summary>The most probable class of each row (the first on ties).</summary>
    public int[] Predict(Tensor x)
    {
        using (Tape.NoGrad()) return Forward(x).ArgMax(1);
    }

    /// <summary>Softmax cross-entropy (mean by default) against integer labels.</summary>
    /// <exception cref="ArgumentException">The label count is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, k).</exception>
    public Tensor Loss(Tensor x, ReadOnlySpan<int> labels, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("SoftmaxRegression.Loss", file, line);
        return Losses.Loss.SoftmaxCrossEntropy(Forward(x), labels, reduction);
    }
}
