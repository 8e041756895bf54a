using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// im2col and its adjoint col2im for one sample in CHW layout. Row (c·KH + i)·KW + j of the column
/// matrix holds, at column oh·OW + ow, the input at (c, oh·SH − PH + i·DH, ow·SW − PW + j·DW), or zero
/// where that lies in the padding.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>Writes the [channels·KH·KW, OH·OW] column matrix of <paramref name="channels"/> channels of x ([channels, H, W]).</summary>
    public static void Unfold<T>(in ConvGeometry g, T* x, int channels, T* cols) where T : unmanaged, INumberBase<T>
    {
        int oh = g.OH, ow = g.OW, plane = g.H * g.W;
        T* row = cols;
        for (int c = 0; c < channels; c++)
        {
            T* xc = x + (nint)c * plane;
            for (int i = 0; i < g.KH; i++)
            {
                for (int j = 0; j < g.KW; j++, row += (nint)oh * ow)
                {
                    int offset = j * g.DW - g.PW;
                    var (lo, hi) = Inside(offset, g.W, g.SW, ow);
                    for (int r = 0; r < oh; r++)
                    {
                        T* dst = row + (nint)r * ow;
                        int ih = r * g.SH - g.PH + i * g.DH;
                        if ((uint)ih >= (uint)g.H)
                        {
                            new Span<T>(dst, ow).Clear();
                            continue;
                        }
                        for (int q = 0; q < lo; q++) dst[q] = T.Zero;
                        for (int q = hi; q < ow; q++) dst[q] = T.Zero;
                        T* src = xc + (nint)ih * g.W + offset;
                        if (g.SW == 1) Copy(src + lo, dst + lo, hi - lo);
                        else for (int q = lo; q < hi; q++) dst[q] = src[(nint)q * g.SW];
                    }
                }
            }
        }
    }

    /// <summary>Adds the column matrix <paramref name="cols"/> back into x ([channels, H, W]): every entry onto the input element it was read from.</summary>
    public static void FoldAdd<T>(in ConvGeometry g, T* cols, int channels, T* x) where T : unmanaged, INumberBase<T>
    {
        int oh = g.OH, ow = g.OW, plane = g.H * g.W;
        T* row = cols;
        for (int c = 0; c < channels; c++)
        {
            T* xc = x + (nint)c * plane;
            for (int i = 0; i < g.KH; i++)
            {
                for (int j = 0; j < g.KW; j++, row += (nint)oh * ow)
                {
                    int offset = j * g.DW - g.PW;
                    var (lo, hi) = Inside(offset, g.W, g.SW, ow);
                    if (hi <= lo) continue;
                    for (int r = 0; r < oh; r++)
                    {
                        int ih = r * g.SH - g.PH + i * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        T* src = row + (nint)r * ow;
                        T* dst = xc + (nint)ih * g.W + offset;
                        if (g.SW == 1) AddTo(src + lo, dst + lo, hi - lo);
                        else for (int q = lo; q < hi; q++) dst[(nint)q * g.SW] += src[q];
                    }
                }
            }
        }
    }

    // Rows are short (an image's width), so a call into a general copy or add costs more than the
    // work: vectors inline, the last one overlapping for a copy, a scalar tail for an add.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<T>(T* src, T* dst, int n) where T : unmanaged, INumberBase<T>
    {
        int v = Vector256<T>.Count;
        if (!Vector256.IsHardwareAccelerated || n < v)
        {
            for (int q = 0; q < n; q++) dst[q] = src[q];
            return;
        }
        int i = 0;
        for (; i <= n - v; i += v) Vector256.Store(Vector256.Load(src + i), dst + i);
        if (i < n) Vector256.Store(Vector256.Load(src + n - v), dst + n - v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<T>(T* src, T* dst, int n) where T : unmanaged, INumberBase<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            int v = Vector256<T>.Count;
            for (; i <= n - v; i += v) Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
        }
        for (; i < n; i++) dst[i] += src[i];
    }

    /// <summary>The output columns [lo, hi) whose input column q·stride + offset lies in [0, width).</summary>
    private static (int Lo, int Hi) Inside(int offset, int width, int stride, int count)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = width - offset <= 0 ? 0 : Math.Min(count, (width - offset - 1) / stride + 1);
        lo = Math.Min(lo, count);
        return (lo, Math.Max(lo, hi));
    }
}
