namespace AutoGrad.Data;

/// <summary>Mirrors the image left to right with probability <see cref="P"/> (torchvision's <c>RandomHorizontalFlip</c>).</summary>
public sealed class RandomHorizontalFlip : ImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="p">Probability of flipping an image, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"RandomHorizontalFlip: p must be in [0, 1], got {p}");
        P = p;
    }

    /// <summary>Probability of flipping an image.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Generator random)
    {
        // One draw per image, flipped or not, so the stream of draws does not depend on p.
        if (random.NextDouble() >= P) return;
        int w = shape.Width;
        for (int r = 0; r < shape.Channels * shape.Height; r++) image.Slice(r * w, w).Reverse();
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomHorizontalFlip(p: {P})";
}
