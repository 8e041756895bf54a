using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Adagrad (Duchi et al. 2011): each weight's step is scaled by the root of its summed squared
/// gradients, <c>s ← s + g²; w ← w − η·g / (√s + ε)</c>, elementwise, s = 0 at the start.
/// Defaults as PyTorch: η = 1e-2, ε = 1e-10.
/// </summary>
/// <remarks>Not in the lecture notes (only named in seed 001).</remarks>
public sealed class Adagrad : Optimizer
{
    private readonly Tensor[] _sum;
    private double _epsilon;

    /// <summary>Adagrad over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public Adagrad(IEnumerable<Tensor> parameters, double learningRate = 1e-2, double epsilon = 1e-10, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("adagrad", parameters, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        Epsilon = epsilon;
        _sum = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "sum")).ToArray();
    }

    /// <summary>Adagrad over parameter groups; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public Adagrad(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double epsilon = 1e-10, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : base("adagrad", groups, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        Epsilon = epsilon;
        _sum = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "sum")).ToArray();
    }

    /// <summary>Adagrad over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public Adagrad(Module model, double learningRate = 1e-2, double epsilon = 1e-10, double decoupledWeightDecay = 0, double l2WeightDecay = 0, bool decayBiases = false)
        : base("adagrad", model, learningRate, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
        Epsilon = epsilon;
        _sum = Enumerable.Range(0, Parameters.Count).Select(i => AddState(i, "sum")).ToArray();
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
        var s = _sum[index].AsSpan<T>();
        var tmp = Scratch<T>(weight.Length);
        TensorPrimitives.MultiplyAdd(gradient, gradient, s, s);
        TensorPrimitives.Sqrt(s, tmp);
        TensorPrimitives.Add(tmp, Scalar<T>(_epsilon), tmp);
        TensorPrimitives.Divide(gradient, tmp, tmp);
        TensorPrimitives.MultiplyAdd(tmp, Scalar<T>(-LearningRateOf(index)), weight, weight);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> ExtraHyperparameters() => [new("epsilon", _epsilon)];

    /// <inheritdoc/>
    protected override Action PrepareHyperparameters(IReadOnlyDictionary<string, double> values)
    {
        double eps = Require(values, "epsilon");
        Guard.Positive($"{Kind}.LoadState", "epsilon", eps);
        return () => _epsilon = eps;
    }
}
