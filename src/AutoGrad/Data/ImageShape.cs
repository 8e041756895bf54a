namespace AutoGrad.Data;

/// <summary>
/// The layout of one image in a data set's feature row: <see cref="Channels"/> planes of
/// <see cref="Height"/> × <see cref="Width"/> pixels, row-major (CHW), so a batch of rows reshapes
/// to NCHW without copying.
/// </summary>
/// <param name="Channels">Colour planes (1 for grey images).</param>
/// <param name="Height">Rows of pixels.</param>
/// <param name="Width">Columns of pixels.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Features per image: C·H·W.</summary>
    public int Size => Channels * Height * Width;

    /// <inheritdoc/>
    public override string ToString() => $"{Channels}×{Height}×{Width}";

    internal void Validate(string op)
    {
        if (Channels < 1 || Height < 1 || Width < 1)
            throw new ArgumentOutOfRangeException(nameof(ImageShape), this, $"{op}: an image shape needs at least one channel, row and column, got {this} (C×H×W)");
    }
}
