using System.Numerics;
using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Plain (stochastic) gradient descent, as in the notes (seed 000): <c>w ← w − η·g</c>, with
/// g = ∂E/∂w from the last backward. With decoupled weight decay λ &gt; 0 the step is
/// <c>w ← (1 − ηλ)·w − η·g</c>.
/// </summary>
/// <remarks>
/// For plain SGD that step equals the one for the loss <c>E + (λ/2)‖w‖²</c> (seed 001's
/// <c>w(1 − ηλ/n) − η·g</c> with λ/n there being λ here), but the penalty is not part of the
/// loss value and gradient checks never see it. Defaults follow PyTorch: η = 1e-3, λ = 0.
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD over a list of parameters; weight decay skips the rank-1 ones (biases) unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0 or weightDecay &lt; 0.</exception>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double weightDecay = 0, bool decayBiases = false)
        : base("sgd", parameters, learningRate, weightDecay, decayBiases)
    {
    }

    /// <summary>SGD over a model's parameters; weight decay skips biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0 or weightDecay &lt; 0.</exception>
    public Sgd(Module model, double learningRate = 1e-3, double weightDecay = 0, bool decayBiases = false)
        : base("sgd", model, learningRate, weightDecay, decayBiases)
    {
    }

    /// <inheritdoc/>
    protected override void Update<T>(int index, Span<T> weight, ReadOnlySpan<T> gradient) =>
        TensorPrimitives.MultiplyAdd(gradient, Scalar<T>(-LearningRate), weight, weight);

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> ExtraHyperparameters() => [];

    /// <inheritdoc/>
    protected override Action PrepareHyperparameters(IReadOnlyDictionary<string, double> values) => static () => { };
}
