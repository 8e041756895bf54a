using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// A fully connected layer: y = x·W + b, with W of shape [in, out] and b of shape [out].
/// </summary>
/// <remarks>
/// <para>Layout: examples are rows, so a batch x [N, in] gives y [N, out] by one matrix product
/// with no transpose. W[i, j] is the weight from input i to output j — note 002's
/// "Z = A W + b, W is S_{l−1} × S_l" and note 001's w_{l,i,j}. Notes written as h = W x (notes 000,
/// 003, 004: row j of W holds the weights INTO unit j) use the transpose: pass <c>W.T</c> to
/// <see cref="FromWeights"/>.</para>
/// <para>Derivatives (the tape computes them from the matmul and add): dL/dW = xᵀ·(dL/dy),
/// dL/db = Σ_rows dL/dy, dL/dx = (dL/dy)·Wᵀ.</para>
/// <para>The input may also be a single example [in] (giving [out]) or a batch of batches
/// [..., in].</para>
/// <para>In <see cref="Module.StateDict"/> (and so in safetensors and ONNX files) the weight is
/// stored in <c>torch.nn.Linear</c>'s layout, [out, in]: the transpose of <see cref="Weight"/>.</para>
/// </remarks>
public sealed class Linear : Module
{
    /// <summary>Number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>Number of outputs.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight W, [in, out].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias b, [out], or null when the layer has none.</summary>
    public Tensor? Bias { get; }

    /// <summary>
    /// Creates a layer with W drawn by <paramref name="init"/> (default: the notes' N(0, 1/fan_in),
    /// <see cref="Initializer.LeCunNormal"/>) and b = 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Linear(int inFeatures, int outFeatures, Generator generator, Initializer? init = null, bool bias = true, DType dtype = DType.Float32)
    {
        Guard.Positive("Linear", nameof(inFeatures), inFeatures);
        Guard.Positive("Linear", nameof(outFeatures), outFeatures);
        ArgumentNullException.ThrowIfNull(generator);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var w = Tensor.Zeros(dtype, inFeatures, outFeatures);
        (init ?? Initializer.LeCunNormal).Apply(w, generator);
        Weight = RegisterParameter("weight", w, transposedInStateDict: true);
        if (bias) Bias = RegisterParameter("bias", Tensor.Zeros(dtype, outFeatures), isBias: true);
    }

    private Linear(Tensor weight, Tensor? bias)
    {
        InFeatures = weight.Shape[0];
        OutFeatures = weight.Shape[1];
        Weight = RegisterParameter("weight", weight, transposedInStateDict: true);
        if (bias is not null) Bias = RegisterParameter("bias", bias, isBias: true);
    }

    /// <summary>
    /// A layer whose parameters ARE the given tensors (not copies): W [in, out] and optional b [out].
    /// They become leaves that require grad (a non-leaf is detached first). For weights written in
    /// the notes' h = W x form ([out, in]), pass <c>W.T</c>.
    /// </summary>
    /// <exception cref="ShapeException">W is not 2-d, or b is not [out].</exception>
    /// <exception cref="ArgumentException">W and b have different dtypes.</exception>
    public static Linear FromWeights(Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        Guard.Rank("Linear.FromWeights", "weight", weight, 2);
        if (bias is not null)
        {
            Guard.SameDType("Linear.FromWeights", weight, bias);
            if (bias.Rank != 1 || bias.Shape[0] != weight.Shape[1])
                throw ShapeErrors.WrongShape("Linear.FromWeights", "bias", bias.ShapeArray, $"weight {Shapes.Format(weight.Shape)}",
                    bias.Rank != 1 ? ShapeErrors.Ranks(bias.Rank, 1) : ShapeErrors.At(0, "bias", 1, "weight", bias.Shape[0], weight.Shape[1]), $"[{weight.Shape[1]}]");
        }
        return new Linear(weight, bias);
    }

    /// <summary>y = x·W + b.</summary>
    /// <exception cref="ShapeException">The last dimension of x is not <see cref="InFeatures"/>.</exception>
    /// <exception cref="ArgumentException">x's dtype differs from the parameters'.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.Shape[^1] != InFeatures)
            throw ShapeErrors.WrongShape("Linear", "the input", input.ShapeArray, $"a layer with {InFeatures} inputs (weight {Shapes.Format(Weight.Shape)})",
                input.Rank == 0 ? ShapeErrors.Ranks(0, 1) : ShapeErrors.At(input.Rank - 1, "the input", 0, "the weight", input.Shape[^1], InFeatures), $"[..., {InFeatures}]");
        Guard.SameDType("Linear", input, Weight);
        using var _ = SourceSite.Enter("Linear", "", 0);
        var y = Tensor.Matmul(input, Weight);
        return Bias is null ? y : y + Bias;
    }

    /// <summary>
    /// Multiplies W (not b) by <paramref name="factor"/> in place, outside the tape: the notes'
    /// test-time rule for dropout trained without scaling ("use the original network, but scale
    /// each weight by 1 − p", note 000; "halve the outgoing weights", note 002).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The factor is not finite.</exception>
    public void ScaleWeights(double factor)
    {
        Guard.Finite("Linear.ScaleWeights", nameof(factor), factor);
        using (Tape.NoGrad()) Weight.CopyFrom(Weight * factor);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Linear({InFeatures} -> {OutFeatures}{(Bias is null ? ", no bias" : "")})";
}
