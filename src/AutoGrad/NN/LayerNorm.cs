namespace AutoGrad.NN;

/// <summary>
/// Layer normalization over the last dimensions, as <c>torch.nn.LayerNorm</c>: every position of
/// the leading dimensions is normalized over the trailing ones (which must equal
/// <see cref="NormalizedShape"/>), then scaled and shifted elementwise:
/// y = (x − μ)/√(σ² + eps)·γ + β (see <see cref="Tensor.LayerNorm"/>). The same in training and
/// evaluation; no buffers.
/// </summary>
public sealed class LayerNorm : Module
{
    private readonly int[] _normalizedShape;

    /// <summary>Creates the layer: γ = 1 and β = 0 of shape normalizedShape when elementwiseAffine (β only with bias).</summary>
    /// <param name="normalizedShape">The trailing dimensions to normalize over (at least one, each positive).</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Learn γ (and β, with <paramref name="bias"/>).</param>
    /// <param name="bias">Learn β (with elementwiseAffine).</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <exception cref="ArgumentException">normalizedShape is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or eps is negative.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0) throw new ArgumentException("LayerNorm: normalizedShape is empty; give the trailing dimensions to normalize over (at least one)", nameof(normalizedShape));
        foreach (int d in normalizedShape) Guard.Positive("LayerNorm", nameof(normalizedShape), d);
        Guard.NonNegativeNumber("LayerNorm", nameof(eps), eps);
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(dtype, _normalizedShape));
            if (bias) Bias = RegisterParameter("bias", Tensor.Zeros(dtype, _normalizedShape), isBias: true);
        }
    }

    /// <summary>Normalization over the last dimension, of size <paramref name="normalizedShape"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive, or eps is negative.</exception>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, bias, dtype)
    {
    }

    /// <summary>The trailing dimensions normalized over.</summary>
    public ReadOnlySpan<int> NormalizedShape => _normalizedShape;

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>γ, of shape <see cref="NormalizedShape"/>, or null without elementwise affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, of shape <see cref="NormalizedShape"/>, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    /// <exception cref="ShapeException">The input's trailing dimensions are not <see cref="NormalizedShape"/>.</exception>
    /// <exception cref="ArgumentException">The input's dtype differs from the parameters'.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Weight is not null) Guard.SameDType("LayerNorm", input, Weight);
        return input.LayerNorm(_normalizedShape, Weight, Bias, Eps, "", 0);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"LayerNorm({Shapes.Format(_normalizedShape)}, eps={Eps}, elementwiseAffine={Weight is not null})";
}
