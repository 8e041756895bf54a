namespace AutoGrad;

/// <summary>
/// Argument checks shared by every op, so a user always sees the same kind of message: the op,
/// the argument, its value (or the shapes) and what was expected.
/// </summary>
public static class Check
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
            throw new ShapeException(op, $"{op}: shapes {Shapes.Format(a.ShapeArray)} and {Shapes.Format(b.ShapeArray)} must be equal{FirstDiff(a.ShapeArray, b.ShapeArray)}");
    }

    /// <summary>The tensor must have the given rank.</summary>
    /// <exception cref="ShapeException">The rank differs.</exception>
    public static void Rank(string op, string argument, Tensor t, int rank)
    {
        if (t.Rank != rank)
            throw new ShapeException(op, $"{op}: {argument} must have rank {rank}, got shape {Shapes.Format(t.ShapeArray)} (rank {t.Rank})");
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
    /// <exception cref="ArgumentException">A dimension is negative or the element count overflows.</exception>
    public static void ValidShape(string op, ReadOnlySpan<int> shape)
    {
        long n = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
                throw new ShapeException(op, $"{op}: shape {Shapes.Format(shape)} has a negative dimension {shape[i]} at axis {i}");
            n *= shape[i];
            if (n > Array.MaxLength)
                throw new ShapeException(op, $"{op}: shape {Shapes.Format(shape)} has more than {Array.MaxLength} elements");
        }
    }

    private static string FirstDiff(int[] a, int[] b)
    {
        if (a.Length != b.Length) return $" (rank {a.Length} vs {b.Length})";
        for (int i = 0; i < a.Length; i++)
            if (a[i] != b[i]) return $" (dimension {i}: {a[i]} vs {b[i]})";
        return "";
    }
}
