using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// A lookup table of learned vectors, as <c>torch.nn.Embedding</c>: index k gives row k of
/// <see cref="Weight"/> [count, dim]. Equal to one-hot(k)·W but without building the one-hot
/// matrix; the gradient of a row is the sum of the gradients of its lookups (a scatter-add), and the
/// padding row, if any, starts at 0 and never gets a gradient.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Rows in the table (the vocabulary size).</summary>
    public int Count { get; }

    /// <summary>Features per row.</summary>
    public int Dim { get; }

    /// <summary>The index whose row stays 0 and gets no gradient (for padding tokens), or null.</summary>
    public int? PaddingIndex { get; }

    /// <summary>The table, [count, dim].</summary>
    public Tensor Weight { get; }

    /// <summary>A table drawn from N(0, 1), as PyTorch's, with the padding row (if any) set to 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the padding index is outside [0, count).</exception>
    public Embedding(int count, int dim, Generator generator, int? paddingIndex = null, DType dtype = DType.Float32)
    {
        Guard.Positive("Embedding", nameof(count), count);
        Guard.Positive("Embedding", nameof(dim), dim);
        ArgumentNullException.ThrowIfNull(generator);
        if (paddingIndex is { } p && (p < 0 || p >= count))
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), p, $"Embedding: paddingIndex {p} is outside the table of {count} rows (valid: 0..{count - 1})");
        (Count, Dim, PaddingIndex) = (count, dim, paddingIndex);
        var w = Init.Normal(Tensor.Zeros(dtype, count, dim), 0, 1, generator);
        if (paddingIndex is { } pad)
            for (int j = 0; j < dim; j++) w[pad, j] = 0;
        Weight = RegisterParameter("weight", w);
    }

    /// <summary>
    /// Looks up <paramref name="indices"/> (row-major, of shape <paramref name="shape"/>, e.g.
    /// [batch, time]) and returns shape + [dim].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, count).</exception>
    /// <exception cref="ShapeException">The shape does not hold indices.Length elements.</exception>
    public Tensor Forward(ReadOnlySpan<int> indices, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (Shapes.Numel(shape) != indices.Length)
            throw ShapeErrors.DataLength("Embedding", shape, indices.Length);
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Embedding: index {indices[i]} at position {i} is outside the table of {Count} rows (valid: 0..{Count - 1})");
        using var _ = SourceSite.Enter("Embedding", "", 0);
        var rows = Weight.Embedding(indices, PaddingIndex ?? -1);
        return rows.Reshape([.. shape, Dim]);
    }

    /// <summary>
    /// Looks up the indices held (as whole numbers) in <paramref name="input"/>, of any shape: gives
    /// input.Shape + [dim].
    /// </summary>
    /// <exception cref="ArgumentException">An element is not a whole number.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, count).</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = input.ToDoubleArray();
        var indices = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] != Math.Floor(values[i]) || double.IsInfinity(values[i]))
                throw new ArgumentException($"Embedding: element {i} of the input is {values[i]}, not a whole number; the input holds row indices 0..{Count - 1}", nameof(input));
            if (values[i] < 0 || values[i] >= Count)
                throw new ArgumentOutOfRangeException(nameof(input), values[i], $"Embedding: index {values[i]} at position {i} is outside the table of {Count} rows (valid: 0..{Count - 1})");
            indices[i] = (int)values[i];
        }
        return Forward(indices, input.ShapeArray);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Embedding({Count}, {Dim}{(PaddingIndex is { } p ? $", paddingIndex={p}" : "")})";
}
