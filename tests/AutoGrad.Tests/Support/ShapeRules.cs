namespace AutoGrad.Tests.Support;

/// <summary>Shape rules for op table rows: dimension sizes and flag bits in, input shapes out.</summary>
public static class ShapeRules
{
    /// <summary>n inputs of the same shape (the dims).</summary>
    public static Func<int[], int, int[][]> Same(int n) => (dims, _) => Enumerable.Repeat(dims, n).Select(d => (int[])d.Clone()).ToArray();

    /// <summary>
    /// n inputs that broadcast together: each starts from the dims, then flag bits set some
    /// dimensions to 1 and drop some leading ones (NumPy rules), so every pairing of size-1,
    /// missing and full dimensions occurs.
    /// </summary>
    public static Func<int[], int, int[][]> Broadcast(int n) => (dims, flags) =>
    {
        var shapes = new int[n][];
        int bit = 0;
        for (int i = 0; i < n; i++)
        {
            var s = (int[])dims.Clone();
            for (int d = 0; d < s.Length; d++, bit++)
                if (((flags >> (bit % 30)) & 1) == 1) s[d] = 1;
            int drop = (flags >> ((bit++ + 7) % 30)) & 1;
            shapes[i] = drop == 1 && s.Length > 0 && i > 0 ? s[1..] : s;
        }
        return shapes;
    };

    /// <summary>Matrix product operands from dims (m, k, n) and optional leading batch dims, transposed as asked.</summary>
    public static Func<int[], int, int[][]> Matmul(bool transA = false, bool transB = false) => (dims, _) =>
    {
        int[] batch = dims[..^3];
        int m = dims[^3], k = dims[^2], n = dims[^1];
        int[] a = transA ? [.. batch, k, m] : [.. batch, m, k];
        int[] b = transB ? [.. batch, n, k] : [.. batch, k, n];
        return [a, b];
    };

    /// <summary>Batched matmul with broadcast batch dims: the flags drop or shrink batch dims of either side.</summary>
    public static Func<int[], int, int[][]> MatmulBroadcast => (dims, flags) =>
    {
        int[] batch = dims[..^3];
        int m = dims[^3], k = dims[^2], n = dims[^1];
        var ba = (int[])batch.Clone();
        var bb = (int[])batch.Clone();
        for (int d = 0; d < batch.Length; d++)
        {
            if ((flags >> d & 1) == 1) ba[d] = 1;
            else if ((flags >> (d + 8) & 1) == 1) bb[d] = 1;
        }
        if ((flags >> 20 & 1) == 1 && bb.Length > 0) bb = bb[1..];
        return [[.. ba, m, k], [.. bb, k, n]];
    };

    /// <summary>Vector-matrix (flag bit 0) or matrix-vector products from dims (m, k).</summary>
    public static Func<int[], int, int[][]> MatVec => (dims, flags) =>
        (flags & 1) == 0 ? [[dims[0], dims[1]], [dims[1]]] : [[dims[1]], [dims[1], dims[0]]];

    /// <summary>n inputs equal except along one axis (0, or the last when <paramref name="last"/>), whose sizes come from the flags.</summary>
    public static Func<int[], int, int[][]> ConcatCompatible(int n, bool last = false) => (dims, flags) =>
    {
        var shapes = new int[n][];
        for (int i = 0; i < n; i++)
        {
            var s = (int[])dims.Clone();
            s[last ? s.Length - 1 : 0] = 1 + ((flags >> (2 * i)) & 3);
            shapes[i] = s;
        }
        return shapes;
    };
}
