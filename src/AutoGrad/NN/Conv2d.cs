using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// A 2-d convolution layer (torch.nn.Conv2d): y = W ⋆ x + b over input [N, C_in, H, W] (or
/// [C_in, H, W]), with W [C_out, C_in/groups, kH, kW] and b [C_out]; see
/// <see cref="Tensor.Conv2d"/> for the formula and the output size.
/// </summary>
/// <remarks>
/// <para>W is drawn by <see cref="Initializer.HeUniform"/> (U[−√(6/fan_in), √(6/fan_in)) with
/// fan_in = C_in/groups·kH·kW) unless another initializer is given, and b starts at 0, as in
/// <see cref="Linear"/>. (PyTorch's default draws W and b from U[−1/√fan_in, 1/√fan_in).)</para>
/// <para>Derivatives (the tape computes them from conv2d and add): dL/dW = Σ_n G ⋆ x,
/// dL/db = Σ_{n,i,j} G, dL/dx = the transposed convolution of G by W.</para>
/// </remarks>
public sealed class Conv2d : Module
{
    /// <summary>Input channels C_in.</summary>
    public int InChannels { get; }

    /// <summary>Output channels C_out.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size (kH, kW).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Stride (sH, sW).</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding on each side (pH, pW).</summary>
    public Size2 Padding { get; }

    /// <summary>Spacing between kernel taps (dH, dW).</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The weight W, [C_out, C_in/groups, kH, kW].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias b, [C_out], or null when the layer has none.</summary>
    public Tensor? Bias { get; }

    /// <summary>Creates a layer with W drawn by <paramref name="init"/> (default He uniform per fan-in) and b = 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A channel count, kernel size, stride, dilation or groups is not positive, or padding is negative.</exception>
    /// <exception cref="ArgumentException">groups does not divide both channel counts.</exception>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Generator generator, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        int groups = 1, bool bias = true, Initializer? init = null, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ConvModuleChecks.Channels("Conv2d", inChannels, outChannels, groups);
        ConvModuleChecks.Positive("Conv2d", nameof(kernelSize), kernelSize);
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        (Stride, Padding, Dilation) = ConvModuleChecks.Sliding("Conv2d", stride ?? 1, padding ?? 0, dilation ?? 1);
        var w = Tensor.Zeros(dtype, outChannels, inChannels / groups, kernelSize.H, kernelSize.W);
        (init ?? Initializer.HeUniform).Apply(w, generator);
        Weight = RegisterParameter("weight", w);
        if (bias) Bias = RegisterParameter("bias", Tensor.Zeros(dtype, outChannels), isBias: true);
    }

    private Conv2d(Tensor weight, Tensor? bias, Size2 stride, Size2 padding, Size2 dilation, int groups)
    {
        (InChannels, OutChannels, KernelSize, Groups) = (weight.Shape[1] * groups, weight.Shape[0], (weight.Shape[2], weight.Shape[3]), groups);
        (Stride, Padding, Dilation) = ConvModuleChecks.Sliding("Conv2d.FromWeights", stride, padding, dilation);
        Weight = RegisterParameter("weight", weight);
        if (bias is not null) Bias = RegisterParameter("bias", bias, isBias: true);
    }

    /// <summary>
    /// A layer whose parameters ARE the given tensors (not copies): W [C_out, C_in/groups, kH, kW]
    /// and optional b [C_out]. They become leaves that require grad (a non-leaf is detached first).
    /// </summary>
    /// <exception cref="ShapeException">W is not 4-d, or b is not [C_out].</exception>
    /// <exception cref="ArgumentException">W and b have different dtypes, or groups does not divide C_out.</exception>
    /// <exception cref="ArgumentOutOfRangeException">stride, dilation or groups is not positive, or padding is negative.</exception>
    public static Conv2d FromWeights(Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null, Size2? dilation = null, int groups = 1)
    {
        ConvModuleChecks.Weights("Conv2d.FromWeights", weight, bias, 4, groups);
        return new Conv2d(weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);
    }

    /// <summary>y = W ⋆ x + b (<see cref="Tensor.Conv2d"/> with the layer's arguments).</summary>
    /// <exception cref="ShapeException">The input is not [N, C_in, H, W] or [C_in, H, W], or smaller than the dilated kernel after padding.</exception>
    /// <exception cref="ArgumentException">The input's dtype differs from the parameters'.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var _ = SourceSite.Enter("Conv2d", "", 0);
        return Tensor.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Conv2d({InChannels} -> {OutChannels}, kernel_size {KernelSize}, stride {Stride}, padding {Padding}, dilation {Dilation}, groups {Groups}{(Bias is null ? ", no bias" : "")})";
}
