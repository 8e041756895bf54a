using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGrad.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the micro-panel layouts the microkernels stream through.
/// Transposed operands are transposed here, block by block, so no full transpose is ever materialized.
/// </summary>
/// <remarks>
/// A micro-panel r holds rows [r*MR, r*MR+MR) of the block as <c>dst[p*MR + i]</c>; a B micro-panel s
/// holds columns [s*NR, s*NR+NR) as <c>dst[p*NR + j]</c>. Rows or columns past the block edge are
/// zero so the kernels can always compute full tiles.
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>Packs A micro-panels [panelStart, panelEnd) of the block op(A)[i0.., p0..] of size mc x kc.</summary>
    public static void PackA<T>(T* a, nint lda, bool trans, int i0, int mc, int p0, int kc, int mr,
        T* dst, int panelStart, int panelEnd)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int r = panelStart; r < panelEnd; r++)
        {
            int row = r * mr;
            int rows = Math.Min(mr, mc - row);
            T* d = dst + (nint)r * mr * kc;
            if (!trans)
            {
                // op(A)[i, p] = a[i * lda + p]: rows are contiguous in p, so each panel is a transpose.
                T* src = a + (nint)(i0 + row) * lda + p0;
                if (rows == mr)
                    PackRowsTransposed(src, lda, kc, mr, d);
                else
                    PackRowsTransposedScalar(src, lda, kc, rows, mr, d);
            }
            else
            {
                // op(A)[i, p] = a[p * lda + i]: each k step is a contiguous run of the panel's rows.
                T* src = a + (nint)p0 * lda + i0 + row;
                CopyRuns(src, lda, kc, rows, mr, d);
            }
        }
    }

    /// <summary>Packs B micro-panels [panelStart, panelEnd) of the block op(B)[p0.., j0..] of size kc x nc.</summary>
    public static void PackB<T>(T* b, nint ldb, bool trans, int p0, int kc, int j0, int nc, int nr,
        T* dst, int panelStart, int panelEnd)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int s = panelStart; s < panelEnd; s++)
        {
            int col = s * nr;
            int cols = Math.Min(nr, nc - col);
            T* d = dst + (nint)s * nr * kc;
            if (!trans)
            {
                T* src = b + (nint)p0 * ldb + j0 + col;
                CopyRuns(src, ldb, kc, cols, nr, d);
            }
            else
            {
                // op(B)[p, j] = b[j * ldb + p].
                T* src = b + (nint)(j0 + col) * ldb + p0;
                if (cols == nr)
                    PackRowsTransposed(src, ldb, kc, nr, d);
                else
                    PackRowsTransposedScalar(src, ldb, kc, cols, nr, d);
            }
        }
    }

    /// <summary>d[p * width + i] = src[p * ld + i] for i &lt; count, zero for count &lt;= i &lt; width.</summary>
    public static void CopyRuns<T>(T* src, nint ld, int kc, int count, int width, T* d)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (count == width)
        {
            int bytes = width * sizeof(T);
            if (bytes == 128 && Vector512.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++, src += ld, d += width)
                {
                    Vector512.Store(Vector512.Load((byte*)src), (byte*)d);
                    Vector512.Store(Vector512.Load((byte*)src + 64), (byte*)d + 64);
                }
                return;
            }
            if (bytes == 64 && Vector512.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++, src += ld, d += width)
                    Vector512.Store(Vector512.Load((byte*)src), (byte*)d);
                return;
            }
            if (bytes % 32 == 0 && Vector256.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++, src += ld, d += width)
                {
                    for (int o = 0; o < bytes; o += 32)
                        Vector256.Store(Vector256.Load((byte*)src + o), (byte*)d + o);
                }
                return;
            }
        }

        for (int p = 0; p < kc; p++, src += ld, d += width)
        {
            int i = 0;
            for (; i < count; i++)
                d[i] = src[i];
            for (; i < width; i++)
                d[i] = T.Zero;
        }
    }

    /// <summary>
    /// d[p * width + i] = src[i * ld + p] for i &lt; width: a (width x kc) strip of rows becomes kc runs of width.
    /// </summary>
    private static void PackRowsTransposed<T>(T* src, nint ld, int kc, int width, T* d)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int p = 0;
        if (Avx.IsSupported)
        {
            if (typeof(T) == typeof(float) && width % 4 == 0)
            {
                for (; p + 8 <= kc; p += 8)
                {
                    int g = 0;
                    for (; g + 8 <= width; g += 8)
                        Transpose8x8((float*)src + g * ld + p, ld, (float*)d + (nint)p * width + g, width);
                    if (g < width)
                        Transpose4x8((float*)src + g * ld + p, ld, (float*)d + (nint)p * width + g, width);
                }
            }
            else if (typeof(T) == typeof(double) && width % 4 == 0)
            {
                for (; p + 4 <= kc; p += 4)
                {
                    for (int g = 0; g < width; g += 4)
                        Transpose4x4((double*)src + g * ld + p, ld, (double*)d + (nint)p * width + g, width);
                }
            }
        }

        for (; p < kc; p++)
        {
            T* dd = d + (nint)p * width;
            T* s = src + p;
            for (int i = 0; i < width; i++)
                dd[i] = s[i * ld];
        }
    }

    public static void PackRowsTransposedScalar<T>(T* src, nint ld, int kc, int count, int width, T* d)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int p = 0; p < kc; p++)
        {
            T* dd = d + (nint)p * width;
            int i = 0;
            for (; i < count; i++)
                dd[i] = src[i * ld + p];
            for (; i < width; i++)
                dd[i] = T.Zero;
        }
    }

    /// <summary>Writes column q of the 8x8 block at <paramref name="src"/> to <c>dst + q * dstStride</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * srcStride);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * srcStride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * srcStride);
        Vector256<float> r5 = Avx.LoadVector256(src + 5 * srcStride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * srcStride);
        Vector256<float> r7 = Avx.LoadVector256(src + 7 * srcStride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Writes column q (4 values) of the 4x8 block at <paramref name="src"/> to <c>dst + q * dstStride</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * srcStride);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * srcStride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44); // columns 0 and 4
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE); // columns 1 and 5
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44); // columns 2 and 6
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE); // columns 3 and 7

        Sse.Store(dst, u0.GetLower());
        Sse.Store(dst + dstStride, u1.GetLower());
        Sse.Store(dst + 2 * dstStride, u2.GetLower());
        Sse.Store(dst + 3 * dstStride, u3.GetLower());
        Sse.Store(dst + 4 * dstStride, u0.GetUpper());
        Sse.Store(dst + 5 * dstStride, u1.GetUpper());
        Sse.Store(dst + 6 * dstStride, u2.GetUpper());
        Sse.Store(dst + 7 * dstStride, u3.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* src, nint srcStride, double* dst, nint dstStride)
    {
        Vector256<double> r0 = Avx.LoadVector256(src);
        Vector256<double> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<double> r2 = Avx.LoadVector256(src + 2 * srcStride);
        Vector256<double> r3 = Avx.LoadVector256(src + 3 * srcStride);

        Vector256<double> t0 = Avx.UnpackLow(r0, r1);
        Vector256<double> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3);
        Vector256<double> t3 = Avx.UnpackHigh(r2, r3);

        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(t1, t3, 0x31));
    }
}
