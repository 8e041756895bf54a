using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>
/// Drives an elementwise kernel over NumPy-broadcast operands without materializing the
/// broadcast: dimensions are collapsed where both operands are contiguous, and the innermost
/// run is handed to the kernel's span form (both contiguous, or one operand constant along it).
/// </summary>
public static class Broadcast
{
    /// <summary>y = K(a, b) where a and b broadcast to y's shape.</summary>
    public static void Binary<K, T>(ReadOnlySpan<T> a, int[] aShape, ReadOnlySpan<T> b, int[] bShape, Span<T> y, int[] yShape)
        where K : IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length == 0) return;
        if (a.Length == y.Length && b.Length == y.Length) { K.Run(a, b, y); return; }
        if (a.Length == y.Length && b.Length == 1) { K.Run(a, b[0], y); return; }
        if (b.Length == y.Length && a.Length == 1) { K.Run(a[0], b, y); return; }

        int max = Math.Max(yShape.Length, 1);
        Span<int> dims = stackalloc int[max], sa = stackalloc int[max], sb = stackalloc int[max];
        int rank = Collapse(yShape, aShape, bShape, dims, sa, sb);
        int inner = dims[rank - 1];
        int ia = sa[rank - 1], ib = sb[rank - 1];
        Span<int> index = stackalloc int[rank];
        int offA = 0, offB = 0;
        for (int outOff = 0; outOff < y.Length; outOff += inner)
        {
            var yRow = y.Slice(outOff, inner);
            if (ia == 1 && ib == 1) K.Run(a.Slice(offA, inner), b.Slice(offB, inner), yRow);
            else if (ia == 1) K.Run(a.Slice(offA, inner), b[offB], yRow);
            else if (ib == 1) K.Run(a[offA], b.Slice(offB, inner), yRow);
            else yRow.Fill(K.Invoke(a[offA], b[offB]));
            for (int d = rank - 2; d >= 0; d--)
            {
                offA += sa[d];
                offB += sb[d];
                if (++index[d] < dims[d]) break;
                offA -= sa[d] * dims[d];
                offB -= sb[d] * dims[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>Copies x into y, repeating x along the dimensions where it broadcasts.</summary>
    public static void Expand<T>(ReadOnlySpan<T> x, int[] xShape, Span<T> y, int[] yShape) where T : unmanaged
    {
        if (y.Length == 0) return;
        if (x.Length == y.Length) { x.CopyTo(y); return; }
        if (x.Length == 1) { y.Fill(x[0]); return; }
        int max = Math.Max(yShape.Length, 1);
        Span<int> dims = stackalloc int[max], sx = stackalloc int[max], unused = stackalloc int[max];
        int rank = Collapse(yShape, xShape, xShape, dims, sx, unused);
        int inner = dims[rank - 1];
        int ix = sx[rank - 1];
        Span<int> index = stackalloc int[rank];
        int offX = 0;
        for (int outOff = 0; outOff < y.Length; outOff += inner)
        {
            var yRow = y.Slice(outOff, inner);
            if (ix == 1) x.Slice(offX, inner).CopyTo(yRow); else yRow.Fill(x[offX]);
            for (int d = rank - 2; d >= 0; d--)
            {
                offX += sx[d];
                if (++index[d] < dims[d]) break;
                offX -= sx[d] * dims[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>y = cond != 0 ? a : b, all three broadcast to y's shape.</summary>
    public static void Where<T>(ReadOnlySpan<T> c, int[] cShape, ReadOnlySpan<T> a, int[] aShape, ReadOnlySpan<T> b, int[] bShape, Span<T> y, int[] yShape)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        WhereStrided(c, AlignedStrides(cShape, yShape), a, AlignedStrides(aShape, yShape), b, AlignedStrides(bShape, yShape), y, yShape);

    /// <summary>
    /// y = cond != 0 ? a : b with each operand's strides in y's index space given (0 along the
    /// dimensions where it broadcasts): the shape bookkeeping done once, for a replayed step.
    /// </summary>
    public static void WhereStrided<T>(ReadOnlySpan<T> c, int[] sc, ReadOnlySpan<T> a, int[] sa, ReadOnlySpan<T> b, int[] sb, Span<T> y, int[] yShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = yShape.Length;
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        int oc = 0, oa = 0, ob = 0;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = c[oc] != T.Zero ? a[oa] : b[ob];
            for (int d = rank - 1; d >= 0; d--)
            {
                oc += sc[d]; oa += sa[d]; ob += sb[d];
                if (++index[d] < yShape[d]) break;
                oc -= sc[d] * yShape[d]; oa -= sa[d] * yShape[d]; ob -= sb[d] * yShape[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>Strides of an operand in the output's index space: 0 along broadcast dimensions.</summary>
    internal static int[] AlignedStrides(int[] shape, int[] outShape)
    {
        int rank = outShape.Length, off = rank - shape.Length;
        var strides = new int[rank];
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d + off] = shape[d] == 1 ? 0 : s;
            s *= shape[d];
        }
        return strides;
    }

    /// <summary>
    /// Merges adjacent output dimensions along which both operands step uniformly, writing the
    /// merged sizes and strides into the caller's buffers; returns the merged rank (at least 1).
    /// </summary>
    private static int Collapse(int[] yShape, int[] aShape, int[] bShape, Span<int> dims, Span<int> ra, Span<int> rb)
    {
        int rank = yShape.Length, offA = rank - aShape.Length, offB = rank - bShape.Length;
        int n = 0;
        int strideA = 1, strideB = 1;
        // Walk from the innermost dimension outwards, computing each operand's aligned stride on the fly.
        Span<int> sa = stackalloc int[Math.Max(rank, 1)], sb = stackalloc int[Math.Max(rank, 1)];
        for (int d = rank - 1; d >= 0; d--)
        {
            int da = d - offA >= 0 ? aShape[d - offA] : 1, db = d - offB >= 0 ? bShape[d - offB] : 1;
            sa[d] = da == 1 ? 0 : strideA;
            sb[d] = db == 1 ? 0 : strideB;
            strideA *= da;
            strideB *= db;
        }
        for (int d = 0; d < rank; d++)
        {
            if (yShape[d] == 1) continue;
            if (n > 0 && ra[n - 1] == sa[d] * yShape[d] && rb[n - 1] == sb[d] * yShape[d])
            {
                dims[n - 1] *= yShape[d];
                ra[n - 1] = sa[d];
                rb[n - 1] = sb[d];
            }
            else
            {
                dims[n] = yShape[d];
                ra[n] = sa[d];
                rb[n] = sb[d];
                n++;
            }
        }
        if (n == 0) { dims[0] = 1; ra[0] = 0; rb[0] = 0; n = 1; }
        return n;
    }
}
