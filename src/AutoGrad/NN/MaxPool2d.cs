using AutoGrad.Ops;

namespace AutoGrad.NN;

/// <summary>
/// 2-d max pooling of [N, C, H, W] (or [C, H, W]), as <c>torch.nn.MaxPool2d</c> without dilation
/// and ceil mode: see <see cref="Tensor.MaxPool2d(int, int?, int, string, int)"/>. No parameters.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>A square window: kernelSize × kernelSize, moved by stride (default kernelSize), with padding on every side.</summary>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding))
    {
    }

    /// <summary>A window of separate height and width.</summary>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        Pool2dArguments.Window(nameof(MaxPool2d), KernelSize, Stride, Padding);
    }

    /// <summary>Window height and width.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>Implicit −∞ padding on each side.</summary>
    public (int Height, int Width) Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.MaxPool2d(KernelSize, Stride, Padding, "", 0);
    }

    /// <inheritdoc/>
    public override string ToString() => $"MaxPool2d(kernelSize={Pool2dArguments.Pair(KernelSize)}, stride={Pool2dArguments.Pair(Stride)}, padding={Pool2dArguments.Pair(Padding)})";
}
