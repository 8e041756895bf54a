using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// A 1-d convolution layer (torch.nn.Conv1d): y = W ⋆ x + b over input [N, C_in, L] (or [C_in, L]),
/// with W [C_out, C_in/groups, k] and b [C_out]; see <see cref="Tensor.Conv1d"/> for the formula and
/// the output length.
/// </summary>
/// <remarks>
/// W is drawn by <see cref="Initializer.HeUniform"/> (fan_in = C_in/groups·k) unless another
/// initializer is given, and b starts at 0, as in <see cref="Linear"/>. (PyTorch's default draws W
/// and b from U[−1/√fan_in, 1/√fan_in).)
/// </remarks>
public sealed class Conv1d : Module
{
    /// <summary>Input channels C_in.</summary>
    public int InChannels { get; }

    /// <summary>Output channels C_out.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size k.</summary>
    public int KernelSize { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The weight W, [C_out, C_in/groups, k].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias b, [C_out], or null when the layer has none.</summary>
    public Tensor? Bias { get; }

    /// <summary>Creates a layer with W drawn by <paramref name="init"/> (default He uniform per fan-in) and b = 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A channel count, the kernel size, stride, dilation or groups is not positive, or padding is negative.</exception>
    /// <exception cref="ArgumentException">groups does not divide both channel counts.</exception>
    public Conv1d(int inChannels, int outChannels, int kernelSize, Generator generator, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, Initializer? init = null, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ConvModuleChecks.Channels("Conv1d", inChannels, outChannels, groups);
        Guard.Positive("Conv1d", nameof(kernelSize), kernelSize);
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        (Stride, Padding, Dilation) = Sliding("Conv1d", stride, padding, dilation);
        var w = Tensor.Zeros(dtype, outChannels, inChannels / groups, kernelSize);
        (init ?? Initializer.HeUniform).Apply(w, generator);
        Weight = RegisterParameter("weight", w);
        if (bias) Bias = RegisterParameter("bias", Tensor.Zeros(dtype, outChannels), isBias: true);
    }

    private Conv1d(Tensor weight, Tensor? bias, int stride, int padding, int dilation, int groups)
    {
        (InChannels, OutChannels, KernelSize, Groups) = (weight.Shape[1] * groups, weight.Shape[0], weight.Shape[2], groups);
        (Stride, Padding, Dilation) = Sliding("Conv1d.FromWeights", stride, padding, dilation);
        Weight = RegisterParameter("weight", weight);
        if (bias is not null) Bias = RegisterParameter("bias", bias, isBias: true);
    }

    /// <summary>
    /// A layer whose parameters ARE the given tensors (not copies): W [C_out, C_in/groups, k] and
    /// optional b [C_out]. They become leaves that require grad (a non-leaf is detached first).
    /// </summary>
    /// <exception cref="ShapeException">W is not 3-d, or b is not [C_out].</exception>
    /// <exception cref="ArgumentException">W and b have different dtypes, or groups does not divide C_out.</exception>
    /// <exception cref="ArgumentOutOfRangeException">stride, dilation or groups is not positive, or padding is negative.</exception>
    public static Conv1d FromWeights(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        ConvModuleChecks.Weights("Conv1d.FromWeights", weight, bias, 3, groups);
        return new Conv1d(weight, bias, stride, padding, dilation, groups);
    }

    private static (int, int, int) Sliding(string op, int stride, int padding, int dilation)
    {
        Guard.Positive(op, nameof(stride), stride);
        Guard.NonNegative(op, nameof(padding), padding);
        Guard.Positive(op, nameof(dilation), dilation);
        return (stride, padding, dilation);
    }

    /// <summary>y = W ⋆ x + b (<see cref="Tensor.Conv1d"/> with the layer's arguments).</summary>
    /// <exception cref="ShapeException">The input is not [N, C_in, L] or [C_in, L], or shorter than the dilated kernel after padding.</exception>
    /// <exception cref="ArgumentException">The input's dtype differs from the parameters'.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var _ = SourceSite.Enter("Conv1d", "", 0);
        return Tensor.Conv1d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Conv1d({InChannels} -> {OutChannels}, kernel_size {KernelSize}, stride {Stride}, padding {Padding}, dilation {Dilation}, groups {Groups}{(Bias is null ? ", no bias" : "")})";
}
