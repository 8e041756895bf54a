using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Gradient descent with a velocity per parameter and a momentum coefficient γ: what
/// <see cref="Momentum"/> and <see cref="Nesterov"/> share (state, γ, its checkpointing). They
/// differ only in how a step moves the weights.
/// </summary>
public abstract class VelocityOptimizer : Optimizer
{
    private double _gamma;

    /// <summary>The velocity of parameter i (the optimizer state saved as "velocity").</summary>
    protected Tensor[] Velocity { get; }

    /// <summary>Over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    protected VelocityOptimizer(string kind, IEnumerable<Tensor> parameters, double learningRate, double gamma, double decoupledWeightDecay, double l2WeightDecay)
        : base(kind, parameters, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        Gamma = gamma;
        Velocity = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "velocity")).ToArray();
    }

    /// <summary>Over a list of parameters; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    protected VelocityOptimizer(string kind, IEnumerable<ParameterGroup> groups, double learningRate, double gamma, double decoupledWeightDecay, double l2WeightDecay)
        : base(kind, groups, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        Gamma = gamma;
        Velocity = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "velocity")).ToArray();
    }

    /// <summary>Over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, gamma outside [0, 1), a weight decay &lt; 0.</exception>
    protected VelocityOptimizer(string kind, Module model, double learningRate, double gamma, double decoupledWeightDecay, double l2WeightDecay, bool decayBiases)
        : base(kind, model, learningRate, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
        Gamma = gamma;
        Velocity = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "velocity")).ToArray();
    }

    /// <summary>The momentum coefficient γ in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Gamma
    {
        get => _gamma;
        set => _gamma = Fraction("gamma", value);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> ExtraHyperparameters() => [new("gamma", _gamma)];

    /// <inheritdoc/>
    protected override Action PrepareHyperparameters(IReadOnlyDictionary<string, double> values)
    {
        double gamma = Require(values, "gamma");
        Guard.InRange($"{Kind}.LoadState", "gamma", gamma, 0, 1, maxExclusive: true);
        return () => _gamma = gamma;
    }
}
