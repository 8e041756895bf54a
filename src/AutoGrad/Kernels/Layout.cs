namespace AutoGrad.Kernels;

/// <summary>Copies that rearrange elements: permute, slice/pad along an axis, gather/scatter along an axis.</summary>
public static class Layout
{
    /// <summary>y = x with axes permuted: y's axis i is x's axis perm[i].</summary>
    public static void Permute<T>(ReadOnlySpan<T> x, int[] xShape, int[] perm, Span<T> y) where T : unmanaged
    {
        if (y.Length == 0) return;
        if (xShape.Length == 2 && perm[0] == 1)
        {
            Transpose2D(x, xShape[0], xShape[1], y);
            return;
        }
        var (yShape, src) = PermuteStrides(xShape, perm);
        PermuteStrided(x, yShape, src, y);
    }

    /// <summary>The output shape of a permutation and, for each output axis, the stride of the input axis it reads.</summary>
    public static (int[] YShape, int[] SourceStrides) PermuteStrides(int[] xShape, int[] perm)
    {
        int rank = xShape.Length;
        var xStrides = Strides(xShape);
        var yShape = new int[rank];
        var src = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            yShape[i] = xShape[perm[i]];
            src[i] = xStrides[perm[i]];
        }
        return (yShape, src);
    }

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

    /// <summary>The general permute with its shape bookkeeping (<see cref="PermuteStrides"/>) done by the caller.</summary>
    public static void PermuteStrided<T>(ReadOnlySpan<T> x, int[] yShape, int[] src, Span<T> y) where T : unmanaged
    {
        int rank = yShape.Length;
        if (y.Length == 0) return;
        int inner = yShape[rank - 1], innerStride = src[rank - 1];
        Span<int> index = stackalloc int[rank];
        int off = 0;
        for (int outOff = 0; outOff < y.Length; outOff += inner)
        {
            if (innerStride == 1) x.Slice(off, inner).CopyTo(y.Slice(outOff, inner));
            else for (int j = 0, s = off; j < inner; j++, s += innerStride) y[outOff + j] = x[s];
            for (int d = rank - 2; d >= 0; d--)
            {
                off += src[d];
                if (++index[d] < yShape[d]) break;
                off -= src[d] * yShape[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>y[c, r] = x[r, c] for an r×c matrix, in cache-sized blocks.</summary>
    public static void Transpose2D<T>(ReadOnlySpan<T> x, int rows, int cols, Span<T> y) where T : unmanaged
    {
        const int B = 32;
        for (int r0 = 0; r0 < rows; r0 += B)
        {
            int r1 = Math.Min(rows, r0 + B);
            for (int c0 = 0; c0 < cols; c0 += B)
            {
                int c1 = Math.Min(cols, c0 + B);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        y[c * rows + r] = x[r * cols + c];
            }
        }
    }

    /// <summary>y[o, j, i] = x[o, start + j, i] for j in [0, len): a slice of a tensor viewed as [outer, n, inner].</summary>
    public static void Slice<T>(ReadOnlySpan<T> x, int outer, int n, int inner, int start, int len, Span<T> y) where T : unmanaged
    {
        int rowIn = n * inner, rowOut = len * inner;
        for (int o = 0; o < outer; o++)
            x.Slice(o * rowIn + start * inner, rowOut).CopyTo(y.Slice(o * rowOut, rowOut));
    }

    /// <summary>The adjoint of <see cref="Slice"/>: y (shape [outer, n, inner], zeroed by the caller) gets x at offset start along the axis.</summary>
    public static void Pad<T>(ReadOnlySpan<T> x, int outer, int n, int inner, int start, int len, Span<T> y) where T : unmanaged
    {
        int rowIn = len * inner, rowOut = n * inner;
        for (int o = 0; o < outer; o++)
            x.Slice(o * rowIn, rowIn).CopyTo(y.Slice(o * rowOut + start * inner, rowIn));
    }

    /// <summary>y[o, i] = x[o, index[o, i], i] for x viewed as [outer, n, inner] and index as [outer, inner].</summary>
    public static void Gather<T>(ReadOnlySpan<T> x, int outer, int n, int inner, ReadOnlySpan<int> index, Span<T> y) where T : unmanaged
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                y[o * inner + i] = x[(o * n + index[o * inner + i]) * inner + i];
    }

    /// <summary>The adjoint of <see cref="Gather"/>: y[o, index[o, i], i] += x[o, i], y zeroed by the caller.</summary>
    public static void ScatterAdd<T>(ReadOnlySpan<T> x, int outer, int n, int inner, ReadOnlySpan<int> index, Span<T> y) where T : unmanaged, System.Numerics.IAdditionOperators<T, T, T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                y[(o * n + index[o * inner + i]) * inner + i] += x[o * inner + i];
    }

    /// <summary>y[o, k, i] = x[o, index[k], i]: whole slices picked along the axis.</summary>
    public static void IndexSelect<T>(ReadOnlySpan<T> x, int outer, int n, int inner, ReadOnlySpan<int> index, Span<T> y) where T : unmanaged
    {
        int m = index.Length;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
                x.Slice((o * n + index[k]) * inner, inner).CopyTo(y.Slice((o * m + k) * inner, inner));
    }

    /// <summary>The adjoint of <see cref="IndexSelect"/>: y[o, index[k], i] += x[o, k, i], y zeroed by the caller.</summary>
    public static void IndexAdd<T>(ReadOnlySpan<T> x, int outer, int n, int inner, ReadOnlySpan<int> index, Span<T> y) where T : unmanaged, System.Numerics.IAdditionOperators<T, T, T>
    {
        int m = index.Length;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
            {
                var dst = y.Slice((o * n + index[k]) * inner, inner);
                var src = x.Slice((o * m + k) * inner, inner);
                for (int i = 0; i < inner; i++) dst[i] += src[i];
            }
    }
}
