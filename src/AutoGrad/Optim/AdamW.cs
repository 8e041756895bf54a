using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay,
/// <c>w ← w − η·λ·w</c> and then the Adam step of <see cref="Adam"/>; λ never enters the
/// moment estimates. Defaults as PyTorch: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.
/// </summary>
/// <remarks>
/// The rule is the one of <see cref="Adam"/> with <c>decoupledWeightDecay</c>; AdamW differs in its
/// default λ = 0.01 and its kind name in checkpoints.
/// </remarks>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, a beta outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double decoupledWeightDecay = 0.01, double l2WeightDecay = 0)
        : base("adamw", parameters, learningRate, beta1, beta2, epsilon, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>AdamW over parameter groups; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, a beta outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double decoupledWeightDecay = 0.01, double l2WeightDecay = 0)
        : base("adamw", groups, learningRate, beta1, beta2, epsilon, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>AdamW over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, a beta outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public AdamW(Module model, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double decoupledWeightDecay = 0.01, double l2WeightDecay = 0, bool decayBiases = false)
        : base("adamw", model, learningRate, beta1, beta2, epsilon, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
    }
}
