using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Adam (Kingma and Ba 2015), elementwise with per-parameter step count t:
/// <code>
/// m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
/// m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
/// w ← w − η·m̂ / (√v̂ + ε)
/// </code>
/// Defaults as PyTorch: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay.
/// </summary>
/// <remarks>
/// Two weight decays, by name: <c>l2WeightDecay: λ</c> is PyTorch's <c>Adam(weight_decay=λ)</c>
/// (g + λ·w enters m and v); <c>decoupledWeightDecay: λ</c> is AdamW (Loshchilov and Hutter 2019:
/// w shrinks by η·λ·w and λ never enters m and v). Not in the lecture notes (only named in seed 001).
/// </remarks>
public class Adam : Optimizer
{
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;
    private readonly Tensor[] _t;
    private double _beta1;
    private double _beta2;
    private double _epsilon;

    /// <summary>Adam over a list of parameters; every tensor of the list takes the weight decays.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, a beta outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : this("adam", parameters, learningRate, beta1, beta2, epsilon, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>Adam over parameter groups; each group with its own rate and decays (null: the optimizer's).</summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups, a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, a beta outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double decoupledWeightDecay = 0, double l2WeightDecay = 0)
        : this("adam", groups, learningRate, beta1, beta2, epsilon, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>Adam over a model's parameters; the weight decays skip biases unless <paramref name="decayBiases"/>.</summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">learningRate ≤ 0, a beta outside [0, 1), epsilon ≤ 0, a weight decay &lt; 0.</exception>
    public Adam(Module model, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double decoupledWeightDecay = 0, double l2WeightDecay = 0, bool decayBiases = false)
        : this("adam", model, learningRate, beta1, beta2, epsilon, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
    }

    /// <summary>For <see cref="AdamW"/>: the same rule under another kind name.</summary>
    protected Adam(string kind, IEnumerable<Tensor> parameters, double learningRate, double beta1, double beta2, double epsilon, double decoupledWeightDecay, double l2WeightDecay)
        : base(kind, parameters, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
        (_m, _v, _t) = CreateState();
    }

    /// <summary>For <see cref="AdamW"/>: the same rule under another kind name.</summary>
    protected Adam(string kind, IEnumerable<ParameterGroup> groups, double learningRate, double beta1, double beta2, double epsilon, double decoupledWeightDecay, double l2WeightDecay)
        : base(kind, groups, learningRate, decoupledWeightDecay, l2WeightDecay)
    {
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
        (_m, _v, _t) = CreateState();
    }

    /// <summary>For <see cref="AdamW"/>: the same rule under another kind name.</summary>
    protected Adam(string kind, Module model, double learningRate, double beta1, double beta2, double epsilon, double decoupledWeightDecay, double l2WeightDecay, bool decayBiases)
        : base(kind, model, learningRate, decoupledWeightDecay, l2WeightDecay, decayBiases)
    {
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
        (_m, _v, _t) = CreateState();
    }

    private (Tensor[], Tensor[], Tensor[]) CreateState()
    {
        int n = Parameters.Count;
        var m = new Tensor[n];
        var v = new Tensor[n];
        var t = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            m[i] = AddState(i, "exp_avg");
            v[i] = AddState(i, "exp_avg_sq");
            // Per-parameter t, as PyTorch: a parameter that got no gradient for a while is bias-corrected for its own updates.
            t[i] = AddState(i, "step", [], DType.Float64);
        }
        return (m, v, t);
    }

    /// <summary>Decay rate β₁ of the first-moment average, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta1
    {
        get => _beta1;
        set => _beta1 = Fraction("beta1", value);
    }

    /// <summary>Decay rate β₂ of the second-moment average, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta2
    {
        get => _beta2;
        set => _beta2 = Fraction("beta2", value);
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
        var m = _m[index].AsSpan<T>();
        var v = _v[index].AsSpan<T>();
        var tmp = Scratch<T>(weight.Length);
        ref double step = ref _t[index].AsSpan<double>()[0];
        step += 1;
        double bc1 = 1 - Math.Pow(_beta1, step);
        double bc2 = 1 - Math.Pow(_beta2, step);

        TensorPrimitives.Multiply(m, Scalar<T>(_beta1), m);
        TensorPrimitives.MultiplyAdd(gradient, Scalar<T>(1 - _beta1), m, m);
        TensorPrimitives.Multiply(gradient, gradient, tmp);
        TensorPrimitives.Multiply(v, Scalar<T>(_beta2), v);
        TensorPrimitives.MultiplyAdd(tmp, Scalar<T>(1 - _beta2), v, v);
        // √v̂ + ε = √v / √bc2 + ε, then the step η/bc1 · m / (√v̂ + ε), as PyTorch computes it.
        TensorPrimitives.Sqrt(v, tmp);
        TensorPrimitives.Multiply(tmp, Scalar<T>(1 / Math.Sqrt(bc2)), tmp);
        TensorPrimitives.Add(tmp, Scalar<T>(_epsilon), tmp);
        TensorPrimitives.Divide(m, tmp, tmp);
        TensorPrimitives.MultiplyAdd(tmp, Scalar<T>(-LearningRateOf(index) / bc1), weight, weight);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> ExtraHyperparameters() =>
        [new("beta1", _beta1), new("beta2", _beta2), new("epsilon", _epsilon)];

    /// <inheritdoc/>
    protected override Action PrepareHyperparameters(IReadOnlyDictionary<string, double> values)
    {
        string op = $"{Kind}.LoadState";
        double b1 = Require(values, "beta1");
        double b2 = Require(values, "beta2");
        double eps = Require(values, "epsilon");
        Guard.InRange(op, "beta1", b1, 0, 1, maxExclusive: true);
        Guard.InRange(op, "beta2", b2, 0, 1, maxExclusive: true);
        Guard.Positive(op, "epsilon", eps);
        return () => { _beta1 = b1; _beta2 = b2; _epsilon = eps; };
    }
}
