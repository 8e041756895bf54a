namespace AutoGrad;

/// <summary>
/// Argument guards shared by every op, module, loss and optimizer, so a user always sees the same
/// kind of message: the op, the argument, its value (or the shapes, and the failing dimension) and
/// what was expected. Each throws before anything is computed or recorded. Shape errors are worded
/// by <c>ShapeErrors</c>, like those of <see cref="Shapes"/>.
/// </summary>
public static class Guard
{
    /// <summary>Both tensors must have the same dtype (no implicit promotion).</summary>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static void SameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException(
                $"{op}: dtype mismatch: {a.DType.Name()} {Shapes.Format(a.ShapeArray)} and {b.DType.Name()} {Shapes.Format(b.ShapeArray)}; convert one with .To(DType.{a.DType}) or .To(DType.{b.DType})");
    }

    /// <summary>Both tensors must have exactly the same shape.</summary>
    /// <exception cref="ShapeException">The shapes differ.</exception>
    public static void SameShape(string op, Tensor a, Tensor b)
    {
        if (!Shapes.Equal(a.ShapeArray, b.ShapeArray))
            throw ShapeErrors.NotEqual(op, a.ShapeArray, b.ShapeArray);
    }

    /// <summary>The tensor must have the given rank.</summary>
    /// <exception cref="ShapeException">The rank differs.</exception>
    public static void Rank(string op, string argument, Tensor t, int rank)
    {
        if (t.Rank != rank)
            throw ShapeErrors.WrongRank(op, argument, t.ShapeArray, rank);
    }

    /// <summary>A finite number within [min, max] (inclusive unless stated).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not finite or out of range; names the argument and value.</exception>
    public static void InRange(string op, string argument, double value, double min, double max, bool maxExclusive = false)
    {
        bool ok = double.IsFinite(value) && value >= min && (maxExclusive ? value < max : value <= max);
        if (!ok)
            throw new ArgumentOutOfRangeException(argument, value,
                $"{op}: {argument} must be in [{min}, {max}{(maxExclusive ? ")" : "]")}, got {value}");
    }

    /// <summary>A finite number greater than zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not finite or not positive.</exception>
    public static void Positive(string op, string argument, double value)
    {
        if (!(double.IsFinite(value) && value > 0))
            throw new ArgumentOutOfRangeException(argument, value, $"{op}: {argument} must be a finite number > 0, got {value}");
    }

    /// <summary>An integer greater than zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public static void Positive(string op, string argument, int value)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(argument, value, $"{op}: {argument} must be > 0, got {value}");
    }

    /// <summary>An integer that is zero or more.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public static void NonNegative(string op, string argument, int value)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(argument, value, $"{op}: {argument} must be >= 0, got {value}");
    }

    /// <summary>Validates a shape given by a user: every dimension zero or more.</summary>
    /// <exception cref="ShapeException">A dimension is negative or the element count overflows.</exception>
    public static void ValidShape(string op, ReadOnlySpan<int> shape)
    {
        long n = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
                throw ShapeErrors.NegativeSize(op, shape, i);
            n *= shape[i];
            if (n > Array.MaxLength)
                throw ShapeErrors.TooManyElements(op, shape);
        }
    }

    /// <summary>
    /// Every index lies in [0, <paramref name="size"/>), the size of dimension
    /// <paramref name="dim"/> it indexes (gather, scatter_add, index_select, index_add).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or too large; names its value, its position and the dimension.</exception>
    public static void Indices(string op, ReadOnlySpan<int> index, int size, int dim)
    {
        for (int i = 0; i < index.Length; i++)
            if ((uint)index[i] >= (uint)size)
                throw new ArgumentOutOfRangeException(nameof(index), index[i],
                    $"{op}: index {index[i]} at position {i} is out of range for dimension {dim} of size {size} (valid: 0..{size - 1})");
    }

    /// <summary>Every class label lies in [0, <paramref name="classes"/>); <paramref name="context"/> is appended to the message (e.g. which tensor has the classes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is negative or too large; names its value and position.</exception>
    public static void Labels(string op, ReadOnlySpan<int> labels, int classes, string? context = null)
    {
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i],
                    $"{op}: label {labels[i]} at position {i} is outside [0, {classes}){(context is null ? "" : $" ({context})")}");
    }

    /// <summary>A finite number ≥ 0 (the message states the range in words, not as an interval ending at <see cref="double.MaxValue"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite; names the argument and value.</exception>
    public static void NonNegativeNumber(string op, string argument, double value)
    {
        if (!(double.IsFinite(value) && value >= 0))
            throw new ArgumentOutOfRangeException(argument, value, $"{op}: {argument} must be a finite number ≥ 0, got {value}");
    }

    /// <summary>Any finite number.</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN or infinite; names the argument and value.</exception>
    public static void Finite(string op, string argument, double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(argument, value, $"{op}: {argument} must be a finite number, got {value}");
    }
}
