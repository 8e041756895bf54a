namespace AutoGrad.Data;

/// <summary>
/// Adds independent Gaussian noise of standard deviation <see cref="Std"/> to every pixel, then
/// clamps to [<see cref="Min"/>, <see cref="Max"/>] (by default the [0, 1] range of the loaded
/// images). Noise on the inputs acts as a regularizer (docs/regularization-and-dropout.md).
/// </summary>
public sealed class GaussianNoise : ImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="std">Standard deviation of the noise (≥ 0).</param>
    /// <param name="min">Smallest pixel value kept (use <see cref="float.NegativeInfinity"/> for no clamp).</param>
    /// <param name="max">Largest pixel value kept (use <see cref="float.PositiveInfinity"/> for no clamp).</param>
    /// <exception cref="ArgumentOutOfRangeException">std is negative or not finite, or min > max.</exception>
    public GaussianNoise(double std, float min = 0, float max = 1)
    {
        if (!(std >= 0 && double.IsFinite(std))) throw new ArgumentOutOfRangeException(nameof(std), std, $"GaussianNoise: std must be a finite number >= 0, got {std}");
        if (!(min <= max)) throw new ArgumentOutOfRangeException(nameof(min), min, $"GaussianNoise: min ({min}) must be <= max ({max})");
        Std = std;
        Min = min;
        Max = max;
    }

    /// <summary>Standard deviation of the noise.</summary>
    public double Std { get; }

    /// <summary>Smallest pixel value kept.</summary>
    public float Min { get; }

    /// <summary>Largest pixel value kept.</summary>
    public float Max { get; }

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Generator random)
    {
        var px = image[..shape.Size];
        for (int i = 0; i < px.Length; i++) px[i] = Math.Clamp(px[i] + (float)(Std * random.NextNormal()), Min, Max);
    }

    /// <inheritdoc/>
    public override string ToString() => $"GaussianNoise(std: {Std})";
}
