using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// Matrix multiply C = op(A)·op(B) (+ C when accumulating) on row-major spans with leading
/// dimensions. This is the plain cache-friendly version (row of A times rows of B); transposed
/// operands are read in place.
/// </summary>
public static class Gemm
{
    /// <summary>C[m,n] = (accumulate ? C : 0) + op(A)[m,k]·op(B)[k,n]; A is m×k (k×m when transA), B is k×n (n×k when transB).</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate) =>
        Run(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

    /// <summary>Double-precision form of <see cref="Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/>.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate) =>
        Run(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

    private static void Run<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (!accumulate) ci.Clear();
            if (!transB)
            {
                for (int p = 0; p < k; p++)
                {
                    T aip = transA ? a[p * lda + i] : a[i * lda + p];
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), aip, ci, ci);
                }
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    T s = T.Zero;
                    for (int p = 0; p < k; p++) s += (transA ? a[p * lda + i] : a[i * lda + p]) * b[j * ldb + p];
                    ci[j] += s;
                }
            }
        }
    }
}
