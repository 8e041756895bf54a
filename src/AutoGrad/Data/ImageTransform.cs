namespace AutoGrad.Data;

/// <summary>
/// A seeded, in-place change of a training image (data augmentation): a random shift, a flip,
/// noise, or a <see cref="Compose"/> of them. A <see cref="DataLoader"/> applies its
/// <see cref="DataLoader.Augment"/> to every training batch it fills; evaluation reads the data
/// set (or a loader without one) and so sees the images unchanged.
/// </summary>
/// <remarks>
/// Transforms work on the loader's batch buffer with plain span code, outside the tape: the
/// augmented batch is an input, not a function the gradient flows through.
/// </remarks>
public abstract class ImageTransform
{
    /// <summary>Changes one image, laid out CHW in <paramref name="image"/>, drawing from <paramref name="random"/>.</summary>
    public abstract void Apply(Span<float> image, ImageShape shape, Generator random);

    /// <summary>Applies the transform to each of the <paramref name="count"/> images of a batch laid out NCHW.</summary>
    /// <exception cref="ArgumentException">The span holds fewer than count images of this shape.</exception>
    public void ApplyBatch(Span<float> batch, int count, ImageShape shape, Generator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        shape.Validate(GetType().Name);
        int size = shape.Size;
        if (count < 0 || (long)count * size > batch.Length)
            throw new ArgumentException($"{GetType().Name}: a batch of {count} images of {shape} needs {(long)count * size} floats, the span holds {batch.Length}", nameof(batch));
        for (int i = 0; i < count; i++) Apply(batch.Slice(i * size, size), shape, random);
    }

    /// <summary>The transforms applied one after the other, in order.</summary>
    public static ImageTransform Compose(params ImageTransform[] transforms) => new ComposedTransform(transforms);

    private sealed class ComposedTransform : ImageTransform
    {
        private readonly ImageTransform[] _steps;

        public ComposedTransform(ImageTransform[] steps)
        {
            ArgumentNullException.ThrowIfNull(steps);
            for (int i = 0; i < steps.Length; i++)
                if (steps[i] is null) throw new ArgumentNullException(nameof(steps), $"ImageTransform.Compose: transform {i} is null");
            _steps = [.. steps];
        }

        public override void Apply(Span<float> image, ImageShape shape, Generator random)
        {
            foreach (var t in _steps) t.Apply(image, shape, random);
        }

        public override string ToString() => string.Join(" → ", _steps.Select(s => s.ToString()));
    }
}
