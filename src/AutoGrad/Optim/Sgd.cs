using System.Numerics;
using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Plain (stochastic) gradient descent, as in the notes (seed 000): <c>w ← w − η·g</c>, with
/// g = ∂E/∂w from the last backward. With decoupled weight decay λ &gt; 0 the step is
/// <c>w ← (1 − ηλ)·w − η·g</c>; with coupled L2 decay λ₂ (PyTorch's <c>SGD(weight_decay=λ₂)</c>)
/// it is <c>w ← w − η·(g + λ₂·w)</c>, the same step for plain SGD.
/// </summary>
/// <remarks>
/// For plain SGD that step equals the one for the loss <c>E + (λ/2)‖w‖²</c> (seed 001's
/// <c>w(1 − ηλ/n) − η·g</c> with λ/n there being λ here), but the penalty is not part of the
/// loss value and gradient checks never see it. Defaults follow PyTorch: η = 1e-3, λ = 0.
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0 or a weight decay &lt; 0.</exception>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("sgd", parameters, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>SGD over parameter groups; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0 or a weight decay &lt; 0.</exception>
    public Sgd(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("sgd", groups, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>SGD over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0 or a weight decay &lt; 0.</exception>
    public Sgd(Module model, double learningRate = 1e-3, double decoupledWeightDecay = 0, double l2WeightDecay = 0, bool decayBiases = false)
        : base("sgd", model, learningRate, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
    }

    /// <inheritdoc/>
    protected override void Update<T>(int index, Span<T> weight, ReadOnlySpan<T> gradient) =>
        TensorPrimitives.MultiplyAdd(gradient, Scalar<T>(-LearningRateOf(index)), weight, weight);

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> ExtraHyperparameters() => [];

    /// <inheritdoc/>
    protected override Action PrepareHyperparameters(IReadOnlyDictionary<string, double> values) => static () => { };
}
