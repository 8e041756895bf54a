namespace AutoGrad.Data;

/// <summary>
/// A random shift: pads the image with <see cref="Fill"/> by <see cref="Padding"/> pixels on every
/// side and crops it back to its own size at a uniformly drawn offset, so the content moves by up
/// to ±Padding pixels in each direction (torchvision's <c>RandomCrop(size, padding)</c> with the
/// crop the size of the image).
/// </summary>
public sealed class RandomCrop : ImageTransform
{
    private float[] _scratch = [];

    /// <summary>Creates the transform.</summary>
    /// <param name="padding">Largest shift in pixels, in each direction (≥ 0).</param>
    /// <param name="fill">Value of the pixels shifted in (0: black, the background of MNIST-style images).</param>
    /// <exception cref="ArgumentOutOfRangeException">padding is negative.</exception>
    public RandomCrop(int padding, float fill = 0)
    {
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"RandomCrop: padding must be >= 0, got {padding}");
        Padding = padding;
        Fill = fill;
    }

    /// <summary>Largest shift in pixels, in each direction.</summary>
    public int Padding { get; }

    /// <summary>Value of the pixels shifted in.</summary>
    public float Fill { get; }

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Generator random)
    {
        int range = 2 * Padding + 1;
        int dy = random.NextInt(range) - Padding, dx = random.NextInt(range) - Padding;
        Shift(image, shape, dy, dx, Fill, ref _scratch);
    }

    /// <summary>out[c, y, x] = in[c, y + dy, x + dx], or <paramref name="fill"/> outside the image.</summary>
    internal static void Shift(Span<float> image, ImageShape shape, int dy, int dx, float fill, ref float[] scratch)
    {
        if (dy == 0 && dx == 0) return;
        int h = shape.Height, w = shape.Width, size = shape.Size;
        if (scratch.Length < size) scratch = new float[size];
        var src = scratch.AsSpan(0, size);
        image[..size].CopyTo(src);
        for (int c = 0; c < shape.Channels; c++)
        {
            int plane = c * h * w;
            for (int y = 0; y < h; y++)
            {
                var row = image.Slice(plane + y * w, w);
                int sy = y + dy;
                if (sy < 0 || sy >= h) { row.Fill(fill); continue; }
                // Columns x with 0 <= x + dx < w come from the source row; the rest are fill.
                int x0 = Math.Max(0, -dx), x1 = Math.Min(w, w - dx);
                if (x0 >= x1) { row.Fill(fill); continue; }
                row[..x0].Fill(fill);
                src.Slice(plane + sy * w + x0 + dx, x1 - x0).CopyTo(row[x0..x1]);
                row[x1..].Fill(fill);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomCrop(padding: {Padding})";
}
