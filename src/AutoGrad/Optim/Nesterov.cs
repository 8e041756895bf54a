using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Nesterov accelerated gradient in the momentum form of the notes (Sutskever et al. 2013):
/// <c>v ← γ·v + η·g; w ← w − (γ·v + η·g)</c>, the new velocity's look-ahead. Equivalent to
/// evaluating the gradient at <c>w − γv</c>; equal to PyTorch's <c>nesterov=True</c> while η is constant.
/// </summary>
/// <remarks>Not in the lecture notes (only named in seed 001). Default γ = 0.9.</remarks>
public sealed class Nesterov : VelocityOptimizer
{
    /// <summary>Nesterov momentum over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    public Nesterov(IEnumerable<Tensor> parameters, double learningRate = 1e-2, double gamma = 0.9, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("nesterov", parameters, learningRate, gamma, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>Nesterov momentum over parameter groups; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    public Nesterov(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double gamma = 0.9, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("nesterov", groups, learningRate, gamma, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>Nesterov momentum over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    public Nesterov(Module model, double learningRate = 1e-2, double gamma = 0.9, double decoupledWeightDecay = 0, double l2WeightDecay = 0, bool decayBiases = false)
        : base("nesterov", model, learningRate, gamma, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
    }

    /// <inheritdoc/>
    protected override void Update<T>(int index, Span<T> weight, ReadOnlySpan<T> gradient)
    {
        var v = Velocity[index].AsSpan<T>();
        T lr = Scalar<T>(LearningRateOf(index));
        TensorPrimitives.Multiply(v, Scalar<T>(Gamma), v);
        TensorPrimitives.MultiplyAdd(gradient, lr, v, v);
        TensorPrimitives.MultiplyAdd(v, Scalar<T>(-Gamma), weight, weight);
        TensorPrimitives.MultiplyAdd(gradient, -lr, weight, weight);
    }
}
