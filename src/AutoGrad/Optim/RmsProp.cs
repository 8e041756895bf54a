using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// RMSprop (Hinton, Lecture 6e): a running mean of squared gradients scales each step,
/// <c>s ← α·s + (1 − α)·g²; w ← w − η·g / (√s + ε)</c>, elementwise, s = 0 at the start.
/// Defaults as PyTorch: η = 1e-2, α = 0.99, ε = 1e-8.
/// </summary>
/// <remarks>Not in the lecture notes (only named in seed 001).</remarks>
public sealed class RmsProp : Optimizer
{
    private readonly Tensor[] _squareAvg;
    private double _alpha;
    private double _epsilon;

    /// <summary>RMSprop over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, alpha outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public RmsProp(IEnumerable<Tensor> parameters, double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("rmsprop", parameters, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        Alpha = alpha;
        Epsilon = epsilon;
        _squareAvg = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "square_avg")).ToArray();
    }

    /// <summary>RMSprop over parameter groups; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, alpha outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public RmsProp(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("rmsprop", groups, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        Alpha = alpha;
        Epsilon = epsilon;
        _squareAvg = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "square_avg")).ToArray();
    }

    /// <summary>RMSprop over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, alpha outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public RmsProp(Module model, double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8, double decoupledWeightDecay = 0, double l2WeightDecay = 0, bool decayBiases = false)
        : base("rmsprop", model, learningRate, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
        Alpha = alpha;
        Epsilon = epsilon;
        _squareAvg = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "square_avg")).ToArray();
    }

    /// <summary>The smoothing constant α in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Alpha
    {
        get => _alpha;
        set => _alpha = Fraction("alpha", value);
    }

    /// <summary>The term ε &gt; 0 added to the denominator.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not &gt; 0.</exception>
    public double Epsilon
    {
        get => _epsilon;
        set => _epsilon = Positive("epsilon", value);
    }

    /// <inheritdoc/>
    protected override void Update<T>(int index, Span<T> weight, ReadOnlySpan<T> gradient)
    {
        var s = _squareAvg[index].AsSpan<T>();
        var tmp = Scratch<T>(weight.Length);
        TensorPrimitives.Multiply(gradient, gradient, tmp);
        TensorPrimitives.Multiply(s, Scalar<T>(_alpha), s);
        TensorPrimitives.MultiplyAdd(tmp, Scalar<T>(1 - _alpha), s, s);
        TensorPrimitives.Sqrt(s, tmp);
        TensorPrimitives.Add(tmp, Scalar<T>(_epsilon), tmp);
        TensorPrimitives.Divide(gradient, tmp, tmp);
        TensorPrimitives.MultiplyAdd(tmp, Scalar<T>(-LearningRateOf(index)), weight, weight);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> ExtraHyperparameters() => [new("alpha", _alpha), new("epsilon", _epsilon)];

    /// <inheritdoc/>
    protected override Action PrepareHyperparameters(IReadOnlyDictionary<string, double> values)
    {
        string op = $"{Kind}.LoadState";
        double alpha = Require(values, "alpha");
        double eps = Require(values, "epsilon");
        Guard.InRange(op, "alpha", alpha, 0, 1, maxExclusive: true);
        Guard.Positive(op, "epsilon", eps);
        return () => { _alpha = alpha; _epsilon = eps; };
    }
}
