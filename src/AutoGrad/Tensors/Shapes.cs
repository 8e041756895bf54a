namespace AutoGrad;

/// <summary>
/// Shape arithmetic on plain <c>int[]</c> dimension lists: element counts, strides, axis
/// normalization and NumPy broadcasting. Every shape error of the library is worded by
/// <c>ShapeErrors</c> (next to this class and <see cref="Guard"/>), so messages have one format:
/// the op, every shape involved, the failing dimension and the rule.
/// </summary>
public static class Shapes
{
    /// <summary>The empty shape of a scalar tensor.</summary>
    public static readonly int[] Scalar = [];

    /// <summary>Number of elements: the product of the dimensions (1 for a scalar).</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return (int)n;
    }

    /// <summary>Formats a shape as <c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0) return "[]";
        var sb = new System.Text.StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>True when both shapes have the same rank and dimensions.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Row-major strides (in elements) of a contiguous tensor of this shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /// <summary>
    /// The NumPy broadcast of two shapes: align trailing dimensions; each pair must be equal or
    /// contain a 1, and the result takes the larger.
    /// </summary>
    /// <exception cref="ShapeException">The shapes are not broadcastable; names the op and the dimension.</exception>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b) =>
        TryBroadcast(a, b, out var result) ? result : throw ShapeErrors.NotBroadcastable(op, a, b);

    /// <summary>The NumPy broadcast of two shapes, or false when some pair of sizes is neither equal nor 1.</summary>
    internal static bool TryBroadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, out int[] result)
    {
        if (a.SequenceEqual(b)) { result = a.ToArray(); return true; }
        int rank = Math.Max(a.Length, b.Length);
        result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) { result = []; return false; }
            result[i] = da == 1 ? db : da;
        }
        return true;
    }

    /// <summary>True when <paramref name="from"/> broadcasts to exactly <paramref name="to"/>.</summary>
    public static bool BroadcastsTo(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        if (from.Length > to.Length) return false;
        int off = to.Length - from.Length;
        for (int i = 0; i < from.Length; i++)
            if (from[i] != 1 && from[i] != to[i + off]) return false;
        return true;
    }

    /// <summary>Maps a possibly negative axis (-1 = last) into [0, rank).</summary>
    /// <exception cref="ShapeException">The axis is outside [-rank, rank).</exception>
    public static int NormalizeAxis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw ShapeErrors.AxisOutOfRange(op, axis, rank);
        return a;
    }

    /// <summary>
    /// Normalizes a list of axes (null = all axes) into a sorted, duplicate-free array.
    /// </summary>
    /// <exception cref="ShapeException">An axis is out of range or repeated.</exception>
    public static int[] NormalizeAxes(string op, int[]? axes, int rank)
    {
        if (axes is null)
        {
            var all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) result[i] = NormalizeAxis(op, axes[i], rank);
        Array.Sort(result);
        for (int i = 1; i < result.Length; i++)
            if (result[i] == result[i - 1])
                throw ShapeErrors.RepeatedAxis(op, result[i], axes);
        return result;
    }

    /// <summary>The shape left after reducing <paramref name="axes"/> (kept as size 1 when <paramref name="keepDim"/>).</summary>
    public static int[] Reduced(ReadOnlySpan<int> shape, ReadOnlySpan<int> axes, bool keepDim)
    {
        var result = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            bool reduced = axes.Contains(i);
            if (!reduced) result.Add(shape[i]);
            else if (keepDim) result.Add(1);
        }
        return result.ToArray();
    }
}
