using AutoGrad.Ops;

namespace AutoGrad.NN;

/// <summary>
/// 2-d average pooling of [N, C, H, W] (or [C, H, W]), as <c>torch.nn.AvgPool2d</c> without ceil
/// mode and divisor override: see <see cref="Tensor.AvgPool2d(int, int?, int, bool, string, int)"/>. No parameters.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>A square window: kernelSize × kernelSize, moved by stride (default kernelSize), with zero padding on every side.</summary>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true)
        : this((kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding), countIncludePad)
    {
    }

    /// <summary>A window of separate height and width.</summary>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public AvgPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default, bool countIncludePad = true)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        CountIncludePad = countIncludePad;
        Pool2dArguments.Window(nameof(AvgPool2d), KernelSize, Stride, Padding);
    }

    /// <summary>Window height and width.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>Implicit zero padding on each side.</summary>
    public (int Height, int Width) Padding { get; }

    /// <summary>Whether the padding counts in each window's divisor (PyTorch's default: yes).</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AvgPool2d(KernelSize, Stride, Padding, CountIncludePad, "", 0);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"AvgPool2d(kernelSize={Pool2dArguments.Pair(KernelSize)}, stride={Pool2dArguments.Pair(Stride)}, padding={Pool2dArguments.Pair(Padding)}, countIncludePad={CountIncludePad})";
}
