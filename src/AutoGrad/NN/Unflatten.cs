namespace AutoGrad.NN;

/// <summary>
/// Splits dimension <see cref="Dim"/> of the input into <see cref="Sizes"/> (PyTorch's
/// <c>nn.Unflatten(dim, sizes)</c>): with dim 1 and sizes [C, H, W] it turns rows of pixels
/// [B, C·H·W] into images [B, C, H, W], so an image model can read the rows of a data set.
/// </summary>
public sealed class Unflatten : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="dim">The dimension to split (negative counts from the end).</param>
    /// <param name="sizes">The sizes it splits into (all ≥ 1).</param>
    /// <exception cref="ArgumentException">sizes is empty or holds a size below 1.</exception>
    public Unflatten(int dim, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length == 0) throw new ArgumentException("Unflatten: sizes must name at least one dimension", nameof(sizes));
        for (int i = 0; i < sizes.Length; i++)
            if (sizes[i] < 1) throw new ArgumentException($"Unflatten: sizes[{i}] is {sizes[i]}; every size must be >= 1 (got {Shapes.Format(sizes)})", nameof(sizes));
        Dim = dim;
        Sizes = [.. sizes];
    }

    /// <summary>The dimension split.</summary>
    public int Dim { get; }

    /// <summary>The sizes it splits into.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <inheritdoc/>
    /// <exception cref="ShapeException">The dimension is out of range, or its size is not the product of <see cref="Sizes"/>.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.Shape;
        int d = Shapes.NormalizeAxis("Unflatten", Dim, shape.Length);
        long product = 1;
        foreach (int s in Sizes) product *= s;
        if (product != shape[d])
            throw ShapeErrors.WrongShape("Unflatten", "input", input.ShapeArray, $"dimension {d} split into {Shapes.Format(Sizes.ToArray())}",
                ShapeErrors.At(d, shape[d], (int)product), Shapes.Format([.. shape[..d], (int)product, .. shape[(d + 1)..]]));
        int[] target = [.. shape[..d], .. Sizes, .. shape[(d + 1)..]];
        return input.Reshape(target);
    }
}
