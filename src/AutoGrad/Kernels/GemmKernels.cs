using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGrad.Kernels;

/// <summary>Instruction-set level the GEMM kernels run at.</summary>
internal enum SimdLevel
{
    /// <summary>Plain scalar code; used when no wide SIMD with FMA is available.</summary>
    Scalar = 0,

    /// <summary>256-bit vectors with FMA (AVX2-class hardware).</summary>
    Vector256 = 1,

    /// <summary>512-bit vectors (AVX-512-class hardware).</summary>
    Vector512 = 2,
}

/// <summary>
/// Register-tiled microkernels. Each computes an MR x NR tile of C from a packed A micro-panel
/// (MR values per k step) and a B micro-panel (NR contiguous values per k step, row stride
/// <c>ldbk</c> so the small-shape path can read an unpacked B in place).
/// </summary>
/// <remarks>
/// Every kernel accumulates each C element with one fused multiply-add per k step, in increasing k
/// order, starting from zero, and adds the tile sum into C once at the end. The per-element result
/// therefore depends only on the k blocking, never on which tile or thread produced it.
/// </remarks>
internal static unsafe class GemmKernels
{
    /// <summary>Rows of the Vector512 microkernel.</summary>
    public const int MR512 = 12;

    /// <summary>Rows of the Vector256 microkernel (16 ymm registers allow 6x2 accumulators).</summary>
    public const int MR256 = 6;

    /// <summary>Rows and columns of the scalar microkernel.</summary>
    public const int MRScalar = 4;

    /// <summary>Columns of the scalar microkernel.</summary>
    public const int NRScalar = 4;

    /// <summary>Best level the hardware supports.</summary>
    public static readonly SimdLevel HardwareLevel =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? SimdLevel.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported && Avx2.IsSupported ? SimdLevel.Vector256
        : SimdLevel.Scalar;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma512<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma256<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    /// <summary>All-ones lanes for indices below <paramref name="count"/>, zero lanes elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LaneMask512<T>(int count)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaskLoad512<T>(T* p, Vector512<T> mask)
        where T : unmanaged
    {
        // Masked-off lanes are never touched, so reading past the end of a row cannot fault.
        if (typeof(T) == typeof(float))
            return Avx512F.MaskLoad((float*)p, mask.As<T, float>(), Vector512<float>.Zero).As<float, T>();
        return Avx512F.MaskLoad((double*)p, mask.As<T, double>(), Vector512<double>.Zero).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaskStore512<T>(T* p, Vector512<T> mask, Vector512<T> value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            Avx512F.MaskStore((float*)p, mask.As<T, float>(), value.As<T, float>());
        else
            Avx512F.MaskStore((double*)p, mask.As<T, double>(), value.As<T, double>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update512<T>(T* c, Vector512<T> v0, Vector512<T> v1, bool add)
        where T : unmanaged
    {
        nint w = Vector512<T>.Count;
        if (add)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + w);
        }
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdatePartial512<T>(T* c, Vector512<T> v0, Vector512<T> v1, Vector512<T> m0, Vector512<T> m1, bool add)
        where T : unmanaged
    {
        nint w = Vector512<T>.Count;
        if (add)
        {
            v0 += MaskLoad512(c, m0);
            v1 += MaskLoad512(c + w, m1);
        }
        MaskStore512(c, m0, v0);
        MaskStore512(c + w, m1, v1);
    }

    /// <summary>
    /// 12 x (2 * Vector512 width) tile: 24 accumulators, 2 vector loads and 12 broadcasts per k step,
    /// leaving 5 of the 32 vector registers for operands.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512<T>(int kc, T* a, T* b, nint ldbk, T* c, nint ldc, int mr, int nr, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nint w = Vector512<T>.Count;
        // C is touched once per k block; start its cache misses now so they overlap the k loop.
        int rowBytes = 2 * (int)w * sizeof(T);
        if (mr == MR512)
        {
        PrefetchRow(c + 0 * ldc, rowBytes);
        PrefetchRow(c + 1 * ldc, rowBytes);
        PrefetchRow(c + 2 * ldc, rowBytes);
        PrefetchRow(c + 3 * ldc, rowBytes);
        PrefetchRow(c + 4 * ldc, rowBytes);
        PrefetchRow(c + 5 * ldc, rowBytes);
        PrefetchRow(c + 6 * ldc, rowBytes);
        PrefetchRow(c + 7 * ldc, rowBytes);
        PrefetchRow(c + 8 * ldc, rowBytes);
        PrefetchRow(c + 9 * ldc, rowBytes);
        PrefetchRow(c + 10 * ldc, rowBytes);
        PrefetchRow(c + 11 * ldc, rowBytes);
        }

        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<T> c80 = default, c81 = default, c90 = default, c91 = default;
        Vector512<T> ca0 = default, ca1 = default, cb0 = default, cb1 = default;

        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + w);
            Vector512<T> t = Vector512.Create(a[0]);
            c00 = Fma512(t, b0, c00); c01 = Fma512(t, b1, c01);
            t = Vector512.Create(a[1]);
            c10 = Fma512(t, b0, c10); c11 = Fma512(t, b1, c11);
            t = Vector512.Create(a[2]);
            c20 = Fma512(t, b0, c20); c21 = Fma512(t, b1, c21);
            t = Vector512.Create(a[3]);
            c30 = Fma512(t, b0, c30); c31 = Fma512(t, b1, c31);
            t = Vector512.Create(a[4]);
            c40 = Fma512(t, b0, c40); c41 = Fma512(t, b1, c41);
            t = Vector512.Create(a[5]);
            c50 = Fma512(t, b0, c50); c51 = Fma512(t, b1, c51);
            t = Vector512.Create(a[6]);
            c60 = Fma512(t, b0, c60); c61 = Fma512(t, b1, c61);
            t = Vector512.Create(a[7]);
            c70 = Fma512(t, b0, c70); c71 = Fma512(t, b1, c71);
            t = Vector512.Create(a[8]);
            c80 = Fma512(t, b0, c80); c81 = Fma512(t, b1, c81);
            t = Vector512.Create(a[9]);
            c90 = Fma512(t, b0, c90); c91 = Fma512(t, b1, c91);
            t = Vector512.Create(a[10]);
            ca0 = Fma512(t, b0, ca0); ca1 = Fma512(t, b1, ca1);
            t = Vector512.Create(a[11]);
            cb0 = Fma512(t, b0, cb0); cb1 = Fma512(t, b1, cb1);
            a += MR512;
            b += ldbk;
        }

        if (mr == MR512 && nr == 2 * w)
        {
            Update512(c, c00, c01, add); c += ldc;
            Update512(c, c10, c11, add); c += ldc;
            Update512(c, c20, c21, add); c += ldc;
            Update512(c, c30, c31, add); c += ldc;
            Update512(c, c40, c41, add); c += ldc;
            Update512(c, c50, c51, add); c += ldc;
            Update512(c, c60, c61, add); c += ldc;
            Update512(c, c70, c71, add); c += ldc;
            Update512(c, c80, c81, add); c += ldc;
            Update512(c, c90, c91, add); c += ldc;
            Update512(c, ca0, ca1, add); c += ldc;
            Update512(c, cb0, cb1, add);
            return;
        }

        Vector512<T> m0 = LaneMask512<T>(nr), m1 = LaneMask512<T>(nr - (int)w);
        UpdatePartial512(c, c00, c01, m0, m1, add); if (mr == 1) return; c += ldc;
        UpdatePartial512(c, c10, c11, m0, m1, add); if (mr == 2) return; c += ldc;
        UpdatePartial512(c, c20, c21, m0, m1, add); if (mr == 3) return; c += ldc;
        UpdatePartial512(c, c30, c31, m0, m1, add); if (mr == 4) return; c += ldc;
        UpdatePartial512(c, c40, c41, m0, m1, add); if (mr == 5) return; c += ldc;
        UpdatePartial512(c, c50, c51, m0, m1, add); if (mr == 6) return; c += ldc;
        UpdatePartial512(c, c60, c61, m0, m1, add); if (mr == 7) return; c += ldc;
        UpdatePartial512(c, c70, c71, m0, m1, add); if (mr == 8) return; c += ldc;
        UpdatePartial512(c, c80, c81, m0, m1, add); if (mr == 9) return; c += ldc;
        UpdatePartial512(c, c90, c91, m0, m1, add); if (mr == 10) return; c += ldc;
        UpdatePartial512(c, ca0, ca1, m0, m1, add); if (mr == 11) return; c += ldc;
        UpdatePartial512(c, cb0, cb1, m0, m1, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRow<T>(T* row, int bytes)
        where T : unmanaged
    {
        if (!Sse.IsSupported)
            return;
        byte* p = (byte*)row;
        Sse.Prefetch0(p);
        Sse.Prefetch0(p + 64);
        // A row that does not start on a cache line spans one more line.
        Sse.Prefetch0(p + bytes - 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update256<T>(T* c, Vector256<T> v0, Vector256<T> v1, bool add)
        where T : unmanaged
    {
        nint w = Vector256<T>.Count;
        if (add)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + w);
        }
        Vector256.Store(v0, c);
        Vector256.Store(v1, c + w);
    }

    /// <summary>6 x (2 * Vector256 width) tile: 12 accumulators fit AVX2's 16 registers with room for operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Kernel256<T>(int kc, T* a, T* b, nint ldbk, T* c, nint ldc, int mr, int nr, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<T> c40 = default, c41 = default, c50 = default, c51 = default;

        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + w);
            Vector256<T> t = Vector256.Create(a[0]);
            c00 = Fma256(t, b0, c00); c01 = Fma256(t, b1, c01);
            t = Vector256.Create(a[1]);
            c10 = Fma256(t, b0, c10); c11 = Fma256(t, b1, c11);
            t = Vector256.Create(a[2]);
            c20 = Fma256(t, b0, c20); c21 = Fma256(t, b1, c21);
            t = Vector256.Create(a[3]);
            c30 = Fma256(t, b0, c30); c31 = Fma256(t, b1, c31);
            t = Vector256.Create(a[4]);
            c40 = Fma256(t, b0, c40); c41 = Fma256(t, b1, c41);
            t = Vector256.Create(a[5]);
            c50 = Fma256(t, b0, c50); c51 = Fma256(t, b1, c51);
            a += MR256;
            b += ldbk;
        }

        if (mr == MR256 && nr == 2 * w)
        {
            Update256(c, c00, c01, add); c += ldc;
            Update256(c, c10, c11, add); c += ldc;
            Update256(c, c20, c21, add); c += ldc;
            Update256(c, c30, c31, add); c += ldc;
            Update256(c, c40, c41, add); c += ldc;
            Update256(c, c50, c51, add);
            return;
        }

        // Edge tiles are rare; spill to a scratch tile and copy the valid part.
        T* tmp = stackalloc T[MR256 * 2 * Vector256<T>.Count];
        nint ts = 2 * w;
        c00.Store(tmp); c01.Store(tmp + w);
        c10.Store(tmp + ts); c11.Store(tmp + ts + w);
        c20.Store(tmp + 2 * ts); c21.Store(tmp + 2 * ts + w);
        c30.Store(tmp + 3 * ts); c31.Store(tmp + 3 * ts + w);
        c40.Store(tmp + 4 * ts); c41.Store(tmp + 4 * ts + w);
        c50.Store(tmp + 5 * ts); c51.Store(tmp + 5 * ts + w);
        CopyTile(tmp, ts, c, ldc, mr, nr, add);
    }

    /// <summary>4 x 4 scalar tile for hardware without usable SIMD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void KernelScalar<T>(int kc, T* a, T* b, nint ldbk, T* c, nint ldc, int mr, int nr, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            T b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            T a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            a += MRScalar;
            b += ldbk;
        }

        T* tmp = stackalloc T[MRScalar * NRScalar];
        tmp[0] = c00; tmp[1] = c01; tmp[2] = c02; tmp[3] = c03;
        tmp[4] = c10; tmp[5] = c11; tmp[6] = c12; tmp[7] = c13;
        tmp[8] = c20; tmp[9] = c21; tmp[10] = c22; tmp[11] = c23;
        tmp[12] = c30; tmp[13] = c31; tmp[14] = c32; tmp[15] = c33;
        CopyTile(tmp, NRScalar, c, ldc, mr, nr, add);
    }

    private static void CopyTile<T>(T* tmp, nint ts, T* c, nint ldc, int mr, int nr, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < mr; i++)
        {
            T* src = tmp + i * ts;
            T* dst = c + i * ldc;
            if (add)
            {
                for (int j = 0; j < nr; j++)
                    dst[j] += src[j];
            }
            else
            {
                for (int j = 0; j < nr; j++)
                    dst[j] = src[j];
            }
        }
    }
}
