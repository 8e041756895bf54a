namespace AutoGrad;

/// <summary>
/// A size per spatial axis of a 2-d op (kernel size, stride, padding, dilation, output size): one
/// number for both axes or a (height, width) pair, as PyTorch accepts either. Converts implicitly
/// from <c>3</c> and from <c>(3, 1)</c>, so <c>stride: 2</c> and <c>padding: (1, 0)</c> both work.
/// </summary>
/// <param name="H">The size along the height (second-to-last) axis.</param>
/// <param name="W">The size along the width (last) axis.</param>
public readonly record struct Size2(int H, int W)
{
    /// <summary>The same size along both axes.</summary>
    public static implicit operator Size2(int size) => new(size, size);

    /// <summary>A (height, width) pair.</summary>
    public static implicit operator Size2((int H, int W) size) => new(size.H, size.W);

    /// <summary>The size along both axes.</summary>
    public static Size2 FromInt32(int size) => new(size, size);

    /// <summary><c>3</c> when both sizes agree, else <c>(3, 1)</c>, as the pair would be written.</summary>
    public override string ToString() => H == W ? $"{H}" : $"({H}, {W})";
}
