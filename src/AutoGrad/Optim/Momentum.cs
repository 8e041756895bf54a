using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Gradient descent with (classical, heavy-ball) momentum in the form of the notes (seed 003,
/// L853-856): <c>v ← γ·v + η·g; w ← w − v</c>, with v = 0 at the start. The velocity v carries
/// the learning rate, so changing η changes only new contributions to it.
/// </summary>
/// <remarks>
/// The notes list <c>w ← w − v</c> before <c>v ← γv + η·g</c>; like every implementation we
/// update v first (otherwise the first step would not move). PyTorch's form
/// <c>b ← μb + g; w ← w − η·b</c> gives the same steps while η is constant.
/// The notes give no γ; the default 0.9 is the usual choice.
/// </remarks>
public sealed class Momentum : VelocityOptimizer
{
    /// <summary>Momentum over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    public Momentum(IEnumerable<Tensor> parameters, double learningRate = 1e-2, double gamma = 0.9, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("momentum", parameters, learningRate, gamma, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>Momentum over parameter groups; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    public Momentum(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double gamma = 0.9, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("momentum", groups, learningRate, gamma, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>Momentum over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    public Momentum(Module model, double learningRate = 1e-2, double gamma = 0.9, double decoupledWeightDecay = 0, double l2WeightDecay = 0, bool decayBiases = false)
        : base("momentum", model, learningRate, gamma, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
    }

    /// <inheritdoc/>
    protected override void Update<T>(int index, Span<T> weight, ReadOnlySpan<T> gradient)
    {
        AutoGrad.Kernels.Fused.MomentumStep(weight, gradient, Velocity[index].AsSpan<T>(), Scalar<T>(Gamma), Scalar<T>(LearningRateOf(index)));
    }
}
