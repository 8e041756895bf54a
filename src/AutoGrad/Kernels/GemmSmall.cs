using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGrad.Kernels;

/// <summary>
/// Single-threaded paths for shapes with few rows or few columns (classifier heads, bias-like products,
/// matrix-vector), where the blocked path's packing, barriers and mostly-empty tiles would dominate.
/// </summary>
/// <remarks>
/// The choice of path depends only on the shape and SIMD level, so results stay independent of the
/// thread count. Each path touches at most a k x 16 (or k x NR) scratch copy of the narrow operand.
/// </remarks>
internal static unsafe class GemmSmall
{
    /// <summary>Largest m or n treated as narrow.</summary>
    public const int NarrowLimit = 16;

    /// <summary>Runs the product when a small-shape path applies; returns false otherwise.</summary>
    public static bool TryRun<T>(SimdLevel level, bool transA, bool transB, int m, int n, int k,
        T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool add, GemmJob scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (m > NarrowLimit && n > NarrowLimit)
            return false;

        int mr = MicroRows(level);
        if (level == SimdLevel.Vector512)
        {
            if (n <= NarrowLimit)
            {
                if (!transA)
                {
                    // Rows of A are contiguous in k: vectorize along k against contiguous columns of op(B).
                    T* y = b;
                    nint ldy = ldb;
                    if (!transB)
                    {
                        y = (T*)scratch.Scratch(1, (nuint)n * (nuint)k * (nuint)sizeof(T));
                        TransposeInto(b, ldb, k, n, y, k);
                        ldy = k;
                    }
                    DotProducts(m, n, k, a, lda, y, ldy, c, ldc, add);
                    return true;
                }
                if (n > mr && n <= Vector512<T>.Count)
                {
                    NarrowColumns(m, n, k, a, lda, b, ldb, transB, c, ldc, add, scratch);
                    return true;
                }
            }

            if (m <= NarrowLimit && transB)
            {
                T* x = a;
                nint ldx = lda;
                if (transA)
                {
                    x = (T*)scratch.Scratch(0, (nuint)m * (nuint)k * (nuint)sizeof(T));
                    TransposeInto(a, lda, k, m, x, k);
                    ldx = k;
                }
                DotProducts(m, n, k, x, ldx, b, ldb, c, ldc, add);
                return true;
            }
        }

        if (m <= NarrowLimit && !transB)
        {
            FewRows(level, m, n, k, a, lda, transA, b, ldb, c, ldc, add, transposedOutput: false, scratch);
            return true;
        }
        if (n <= mr && transA)
        {
            // C^T = op(B)^T * A^T, where A^T's rows (the stored rows of A) are contiguous: the few
            // columns of C become the microkernel's rows, so all vector lanes do useful work.
            FewRows(level, n, m, k, b, ldb, !transB, a, lda, c, ldc, add, transposedOutput: true, scratch);
            return true;
        }
        return false;
    }

    private static int MicroRows(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => GemmKernels.MR512,
        SimdLevel.Vector256 => GemmKernels.MR256,
        _ => GemmKernels.MRScalar,
    };

    /// <summary>dst[j * ldd + p] = src[p * lds + j] for a rows x cols source.</summary>
    private static void TransposeInto<T>(T* src, nint lds, int rows, int cols, T* dst, nint ldd)
        where T : unmanaged
    {
        for (int p = 0; p < rows; p++)
        {
            T* s = src + p * lds;
            for (int j = 0; j < cols; j++)
                dst[j * ldd + p] = s[j];
        }
    }

    /// <summary>C[i, j] (+)= dot(X row i, Y row j) with both rows contiguous along k.</summary>
    private static void DotProducts<T>(int m, int n, int k, T* x, nint ldx, T* y, nint ldy, T* c, nint ldc, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i += 4)
        {
            int rows = Math.Min(4, m - i);
            for (int j = 0; j < n; j += 4)
            {
                int cols = Math.Min(4, n - j);
                Dot4x4(k, x + i * ldx, ldx, rows, y + j * ldy, ldy, cols, c + i * ldc + j, ldc, add);
            }
        }
    }

    /// <summary>
    /// A 4 x 4 block of dot products: 16 accumulators, 8 loads per 16 FMAs. Missing rows or columns
    /// re-read row 0 and are discarded, which keeps the loop branch-free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<T>(int k, T* x, nint ldx, int rows, T* y, nint ldy, int cols, T* c, nint ldc, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T* x0 = x, x1 = x + (rows > 1 ? ldx : 0), x2 = x + (rows > 2 ? 2 * ldx : 0), x3 = x + (rows > 3 ? 3 * ldx : 0);
        T* y0 = y, y1 = y + (cols > 1 ? ldy : 0), y2 = y + (cols > 2 ? 2 * ldy : 0), y3 = y + (cols > 3 ? 3 * ldy : 0);
        Vector512<T> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector512<T> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<T> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector512<T> s30 = default, s31 = default, s32 = default, s33 = default;
        int w = Vector512<T>.Count;
        int p = 0;
        for (; p <= k - w; p += w)
        {
            Vector512<T> a0 = Vector512.Load(x0 + p), a1 = Vector512.Load(x1 + p);
            Vector512<T> a2 = Vector512.Load(x2 + p), a3 = Vector512.Load(x3 + p);
            Vector512<T> b = Vector512.Load(y0 + p);
            s00 = GemmKernels.Fma512(a0, b, s00); s10 = GemmKernels.Fma512(a1, b, s10);
            s20 = GemmKernels.Fma512(a2, b, s20); s30 = GemmKernels.Fma512(a3, b, s30);
            b = Vector512.Load(y1 + p);
            s01 = GemmKernels.Fma512(a0, b, s01); s11 = GemmKernels.Fma512(a1, b, s11);
            s21 = GemmKernels.Fma512(a2, b, s21); s31 = GemmKernels.Fma512(a3, b, s31);
            b = Vector512.Load(y2 + p);
            s02 = GemmKernels.Fma512(a0, b, s02); s12 = GemmKernels.Fma512(a1, b, s12);
            s22 = GemmKernels.Fma512(a2, b, s22); s32 = GemmKernels.Fma512(a3, b, s32);
            b = Vector512.Load(y3 + p);
            s03 = GemmKernels.Fma512(a0, b, s03); s13 = GemmKernels.Fma512(a1, b, s13);
            s23 = GemmKernels.Fma512(a2, b, s23); s33 = GemmKernels.Fma512(a3, b, s33);
        }
        if (p < k)
        {
            Vector512<T> mask = GemmKernels.LaneMask512<T>(k - p);
            Vector512<T> a0 = GemmKernels.MaskLoad512(x0 + p, mask), a1 = GemmKernels.MaskLoad512(x1 + p, mask);
            Vector512<T> a2 = GemmKernels.MaskLoad512(x2 + p, mask), a3 = GemmKernels.MaskLoad512(x3 + p, mask);
            Vector512<T> b = GemmKernels.MaskLoad512(y0 + p, mask);
            s00 = GemmKernels.Fma512(a0, b, s00); s10 = GemmKernels.Fma512(a1, b, s10);
            s20 = GemmKernels.Fma512(a2, b, s20); s30 = GemmKernels.Fma512(a3, b, s30);
            b = GemmKernels.MaskLoad512(y1 + p, mask);
            s01 = GemmKernels.Fma512(a0, b, s01); s11 = GemmKernels.Fma512(a1, b, s11);
            s21 = GemmKernels.Fma512(a2, b, s21); s31 = GemmKernels.Fma512(a3, b, s31);
            b = GemmKernels.MaskLoad512(y2 + p, mask);
            s02 = GemmKernels.Fma512(a0, b, s02); s12 = GemmKernels.Fma512(a1, b, s12);
            s22 = GemmKernels.Fma512(a2, b, s22); s32 = GemmKernels.Fma512(a3, b, s32);
            b = GemmKernels.MaskLoad512(y3 + p, mask);
            s03 = GemmKernels.Fma512(a0, b, s03); s13 = GemmKernels.Fma512(a1, b, s13);
            s23 = GemmKernels.Fma512(a2, b, s23); s33 = GemmKernels.Fma512(a3, b, s33);
        }

        StoreDots(c, cols, add, s00, s01, s02, s03);
        if (rows > 1) StoreDots(c + ldc, cols, add, s10, s11, s12, s13);
        if (rows > 2) StoreDots(c + 2 * ldc, cols, add, s20, s21, s22, s23);
        if (rows > 3) StoreDots(c + 3 * ldc, cols, add, s30, s31, s32, s33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDots<T>(T* c, int cols, bool add, Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Vector512.Sum reduces each 128-bit quarter separately (about 26 instructions); folding four
        // accumulators together costs about 5 per sum and yields the four sums as one vector.
        if (typeof(T) == typeof(float))
        {
            Vector128<float> sums = Reduce4(v0.As<T, float>(), v1.As<T, float>(), v2.As<T, float>(), v3.As<T, float>());
            float* cf = (float*)c;
            if (cols == 4)
            {
                if (add)
                    sums += Vector128.Load(cf);
                sums.Store(cf);
                return;
            }
            for (int j = 0; j < cols; j++)
                cf[j] = add ? cf[j] + sums.GetElement(j) : sums.GetElement(j);
        }
        else
        {
            Vector256<double> sums = Reduce4(v0.As<T, double>(), v1.As<T, double>(), v2.As<T, double>(), v3.As<T, double>());
            double* cd = (double*)c;
            if (cols == 4)
            {
                if (add)
                    sums += Vector256.Load(cd);
                sums.Store(cd);
                return;
            }
            for (int j = 0; j < cols; j++)
                cd[j] = add ? cd[j] + sums.GetElement(j) : sums.GetElement(j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Reduce4(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        Vector256<float> a0 = v0.GetLower() + v0.GetUpper(), a1 = v1.GetLower() + v1.GetUpper();
        Vector256<float> a2 = v2.GetLower() + v2.GetUpper(), a3 = v3.GetLower() + v3.GetUpper();
        Vector128<float> b0 = a0.GetLower() + a0.GetUpper(), b1 = a1.GetLower() + a1.GetUpper();
        Vector128<float> b2 = a2.GetLower() + a2.GetUpper(), b3 = a3.GetLower() + a3.GetUpper();
        return Sse3.HorizontalAdd(Sse3.HorizontalAdd(b0, b1), Sse3.HorizontalAdd(b2, b3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Reduce4(Vector512<double> v0, Vector512<double> v1, Vector512<double> v2, Vector512<double> v3)
    {
        Vector256<double> a0 = v0.GetLower() + v0.GetUpper(), a1 = v1.GetLower() + v1.GetUpper();
        Vector256<double> a2 = v2.GetLower() + v2.GetUpper(), a3 = v3.GetLower() + v3.GetUpper();
        Vector128<double> b0 = a0.GetLower() + a0.GetUpper(), b1 = a1.GetLower() + a1.GetUpper();
        Vector128<double> b2 = a2.GetLower() + a2.GetUpper(), b3 = a3.GetLower() + a3.GetUpper();
        return Vector256.Create(Sse3.HorizontalAdd(b0, b1), Sse3.HorizontalAdd(b2, b3));
    }

    /// <summary>
    /// op(A) transposed (contiguous along rows) times at most one vector of columns: op(B) is copied once
    /// into a k x W scratch panel, then 16 rows at a time are broadcast against it.
    /// </summary>
    private static void NarrowColumns<T>(int m, int n, int k, T* a, nint lda, T* b, nint ldb, bool transB,
        T* c, nint ldc, bool add, GemmJob scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        T* bp = (T*)scratch.Scratch(1, (nuint)k * (nuint)w * (nuint)sizeof(T));
        if (!transB)
            GemmPacking.CopyRuns(b, ldb, k, n, w, bp);
        else
            GemmPacking.PackRowsTransposedScalar(b, ldb, k, n, w, bp);

        Vector512<T> mask = GemmKernels.LaneMask512<T>(n);
        int i = 0;
        for (; i + 16 <= m; i += 16)
            Narrow16(k, a + i, lda, bp, c + i * ldc, ldc, 16, mask, add);
        if (i < m)
        {
            // The last rows get a zero-padded copy so the kernel never reads past the end of A.
            T* ap = (T*)scratch.Scratch(0, (nuint)k * 16 * (nuint)sizeof(T));
            GemmPacking.CopyRuns(a + i, lda, k, m - i, 16, ap);
            Narrow16(k, ap, 16, bp, c + i * ldc, ldc, m - i, mask, add);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Narrow16<T>(int k, T* a, nint lda, T* bp, T* c, nint ldc, int rows, Vector512<T> mask, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<T> c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<T> c8 = default, c9 = default, c10 = default, c11 = default;
        Vector512<T> c12 = default, c13 = default, c14 = default, c15 = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<T> bv = Vector512.Load(bp);
            c0 = GemmKernels.Fma512(Vector512.Create(a[0]), bv, c0);
            c1 = GemmKernels.Fma512(Vector512.Create(a[1]), bv, c1);
            c2 = GemmKernels.Fma512(Vector512.Create(a[2]), bv, c2);
            c3 = GemmKernels.Fma512(Vector512.Create(a[3]), bv, c3);
            c4 = GemmKernels.Fma512(Vector512.Create(a[4]), bv, c4);
            c5 = GemmKernels.Fma512(Vector512.Create(a[5]), bv, c5);
            c6 = GemmKernels.Fma512(Vector512.Create(a[6]), bv, c6);
            c7 = GemmKernels.Fma512(Vector512.Create(a[7]), bv, c7);
            c8 = GemmKernels.Fma512(Vector512.Create(a[8]), bv, c8);
            c9 = GemmKernels.Fma512(Vector512.Create(a[9]), bv, c9);
            c10 = GemmKernels.Fma512(Vector512.Create(a[10]), bv, c10);
            c11 = GemmKernels.Fma512(Vector512.Create(a[11]), bv, c11);
            c12 = GemmKernels.Fma512(Vector512.Create(a[12]), bv, c12);
            c13 = GemmKernels.Fma512(Vector512.Create(a[13]), bv, c13);
            c14 = GemmKernels.Fma512(Vector512.Create(a[14]), bv, c14);
            c15 = GemmKernels.Fma512(Vector512.Create(a[15]), bv, c15);
            a += lda;
            bp += w;
        }

        StoreMasked(c, mask, c0, add); if (rows == 1) return; c += ldc;
        StoreMasked(c, mask, c1, add); if (rows == 2) return; c += ldc;
        StoreMasked(c, mask, c2, add); if (rows == 3) return; c += ldc;
        StoreMasked(c, mask, c3, add); if (rows == 4) return; c += ldc;
        StoreMasked(c, mask, c4, add); if (rows == 5) return; c += ldc;
        StoreMasked(c, mask, c5, add); if (rows == 6) return; c += ldc;
        StoreMasked(c, mask, c6, add); if (rows == 7) return; c += ldc;
        StoreMasked(c, mask, c7, add); if (rows == 8) return; c += ldc;
        StoreMasked(c, mask, c8, add); if (rows == 9) return; c += ldc;
        StoreMasked(c, mask, c9, add); if (rows == 10) return; c += ldc;
        StoreMasked(c, mask, c10, add); if (rows == 11) return; c += ldc;
        StoreMasked(c, mask, c11, add); if (rows == 12) return; c += ldc;
        StoreMasked(c, mask, c12, add); if (rows == 13) return; c += ldc;
        StoreMasked(c, mask, c13, add); if (rows == 14) return; c += ldc;
        StoreMasked(c, mask, c14, add); if (rows == 15) return; c += ldc;
        StoreMasked(c, mask, c15, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreMasked<T>(T* c, Vector512<T> mask, Vector512<T> v, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (add)
            v += GemmKernels.MaskLoad512(c, mask);
        GemmKernels.MaskStore512(c, mask, v);
    }

    /// <summary>
    /// At most 16 rows of op(A) against an unpacked, row-contiguous B: op(A) is packed into one or two
    /// micro-panels and the regular microkernel reads B in place; only a ragged last column strip is copied.
    /// With <paramref name="transposedOutput"/> the m x n result is written to C as its transpose.
    /// </summary>
    [SkipLocalsInit]
    private static void FewRows<T>(SimdLevel level, int m, int n, int k, T* a, nint lda, bool transA,
        T* b, nint ldb, T* c, nint ldc, bool add, bool transposedOutput, GemmJob scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        (int mr, int nr) = level switch
        {
            SimdLevel.Vector512 => (GemmKernels.MR512, 2 * Vector512<T>.Count),
            SimdLevel.Vector256 => (GemmKernels.MR256, 2 * Vector256<T>.Count),
            _ => (GemmKernels.MRScalar, GemmKernels.NRScalar),
        };
        int panels = (m + mr - 1) / mr;
        T* ap = (T*)scratch.Scratch(0, (nuint)panels * (nuint)mr * (nuint)k * (nuint)sizeof(T));
        GemmPacking.PackA(a, lda, transA, 0, m, 0, k, mr, ap, 0, panels);

        int full = n / nr * nr;
        T* tail = null;
        if (full < n)
        {
            tail = (T*)scratch.Scratch(1, (nuint)k * (nuint)nr * (nuint)sizeof(T));
            GemmPacking.CopyRuns(b + full, ldb, k, n - full, nr, tail);
        }

        // Largest tile over all levels: 12 x 32 floats.
        T* tile = stackalloc T[GemmKernels.MR512 * 32];
        for (int j = 0; j < n; j += nr)
        {
            T* bp = j < full ? b + j : tail;
            nint ldbk = j < full ? ldb : nr;
            int cols = Math.Min(nr, n - j);
            for (int r = 0; r < panels; r++)
            {
                T* apr = ap + (nint)r * mr * k;
                int rows = Math.Min(mr, m - r * mr);
                T* cp = transposedOutput ? tile : c + (nint)r * mr * ldc + j;
                nint ldcp = transposedOutput ? nr : ldc;
                bool addp = add && !transposedOutput;
                switch (level)
                {
                    case SimdLevel.Vector512:
                        GemmKernels.Kernel512(k, apr, bp, ldbk, cp, ldcp, rows, cols, addp);
                        break;
                    case SimdLevel.Vector256:
                        GemmKernels.Kernel256(k, apr, bp, ldbk, cp, ldcp, rows, cols, addp);
                        break;
                    default:
                        GemmKernels.KernelScalar(k, apr, bp, ldbk, cp, ldcp, rows, cols, addp);
                        break;
                }
                if (transposedOutput)
                {
                    // Tile element (row, col) is C[j + col, r * mr + row]: walk C rows so writes stay contiguous.
                    for (int q = 0; q < cols; q++)
                    {
                        T* crow = c + (nint)(j + q) * ldc + r * mr;
                        T* src = tile + q;
                        if (add)
                        {
                            for (int i = 0; i < rows; i++)
                                crow[i] += src[i * nr];
                        }
                        else
                        {
                            for (int i = 0; i < rows; i++)
                                crow[i] = src[i * nr];
                        }
                    }
                }
            }
        }
    }
}
