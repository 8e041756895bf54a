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
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
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

    /// <summary>Equal shapes, answered without a comparison when both are the same array (op results share their input's).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Equal(int[] a, int[] b) => ReferenceEquals(a, b) || a.AsSpan().SequenceEqual(b);

    /// <summary>Row-major strides (in elements) of a contiguous tensor of this shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape) => Kernels.Layout.Strides(shape);

    /// <summary>
    /// The NumPy broadcast of two shapes: align trailing dimensions; each pair must be equal or
    /// contain a 1, and the result takes the larger.
    /// </summary>
    /// <exception cref="ShapeException">The shapes are not broadcastable; names the op and the dimension.</exception>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b) => BroadcastKept(op, a, b).ToArray();

    /// <summary><see cref="Broadcast"/>, kept (see <see cref="Keep"/>).</summary>
    internal static int[] BroadcastKept(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b) =>
        TryBroadcast(a, b, out var result) ? result : throw ShapeErrors.NotBroadcastable(op, a, b);

    /// <summary>
    /// The NumPy broadcast of two shapes, or false when some pair of sizes is neither equal nor 1.
    /// The result is kept (see <see cref="Keep"/>): an op's output shape, never to be changed.
    /// </summary>
    internal static bool TryBroadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, out int[] result)
    {
        if (a.SequenceEqual(b)) { result = Keep(a); return true; }
        int rank = Math.Max(a.Length, b.Length);
        Span<int> r = stackalloc int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) { result = []; return false; }
            r[i] = da == 1 ? db : da;
        }
        result = Keep(r);
        return true;
    }

    /// <summary>
    /// An array holding <paramref name="values"/> that nobody may change (an op's shape, a node's
    /// axes): inside a step scope the one it handed out at this point of the last step if equal
    /// (so a steady-state step allocates none), else a new copy.
    /// </summary>
    internal static int[] Keep(ReadOnlySpan<int> values) => Memory.StepScope.Recycling is { } scope ? scope.Ints(values) : values.ToArray();

    /// <summary><paramref name="shape"/> with dimension <paramref name="axis"/> replaced by <paramref name="size"/>, kept.</summary>
    internal static int[] With(ReadOnlySpan<int> shape, int axis, int size)
    {
        Span<int> r = stackalloc int[shape.Length];
        shape.CopyTo(r);
        r[axis] = size;
        return Keep(r);
    }

    /// <summary><paramref name="shape"/> with its last two dimensions replaced by <paramref name="rows"/> and <paramref name="cols"/>, kept.</summary>
    internal static int[] WithMatrix(ReadOnlySpan<int> shape, int rows, int cols)
    {
        Span<int> r = stackalloc int[shape.Length];
        shape.CopyTo(r);
        r[^2] = rows;
        r[^1] = cols;
        return Keep(r);
    }

    /// <summary><paramref name="shape"/> with a dimension of <paramref name="size"/> inserted at <paramref name="axis"/>, kept.</summary>
    internal static int[] Inserted(ReadOnlySpan<int> shape, int axis, int size)
    {
        Span<int> r = stackalloc int[shape.Length + 1];
        shape[..axis].CopyTo(r);
        r[axis] = size;
        shape[axis..].CopyTo(r[(axis + 1)..]);
        return Keep(r);
    }

    /// <summary><paramref name="shape"/> without dimension <paramref name="axis"/>, kept.</summary>
    internal static int[] Removed(ReadOnlySpan<int> shape, int axis)
    {
        Span<int> r = stackalloc int[shape.Length - 1];
        shape[..axis].CopyTo(r);
        shape[(axis + 1)..].CopyTo(r[axis..]);
        return Keep(r);
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
    public static int[] NormalizeAxes(string op, int[]? axes, int rank) => NormalizeAxesKept(op, axes, rank).ToArray();

    /// <summary><see cref="NormalizeAxes"/>, kept (see <see cref="Keep"/>).</summary>
    internal static int[] NormalizeAxesKept(string op, int[]? axes, int rank)
    {
        Span<int> result = stackalloc int[axes?.Length ?? rank];
        if (axes is null)
        {
            for (int i = 0; i < rank; i++) result[i] = i;
            return Keep(result);
        }
        for (int i = 0; i < axes.Length; i++) result[i] = NormalizeAxis(op, axes[i], rank);
        result.Sort();
        for (int i = 1; i < result.Length; i++)
            if (result[i] == result[i - 1])
                throw ShapeErrors.RepeatedAxis(op, result[i], axes);
        return Keep(result);
    }

    /// <summary>The shape left after reducing <paramref name="axes"/> (kept as size 1 when <paramref name="keepDim"/>).</summary>
    public static int[] Reduced(ReadOnlySpan<int> shape, ReadOnlySpan<int> axes, bool keepDim) => ReducedKept(shape, axes, keepDim).ToArray();

    /// <summary><see cref="Reduced"/>, kept (see <see cref="Keep"/>).</summary>
    internal static int[] ReducedKept(ReadOnlySpan<int> shape, ReadOnlySpan<int> axes, bool keepDim)
    {
        Span<int> result = stackalloc int[shape.Length];
        int n = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            bool reduced = axes.Contains(i);
            if (!reduced) result[n++] = shape[i];
            else if (keepDim) result[n++] = 1;
        }
        return Keep(result[..n]);
    }
}
