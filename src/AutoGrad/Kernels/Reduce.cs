using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// Reductions along one axis of a tensor viewed as [outer, n, inner] (row-major). Results depend
/// only on the data, never on threads, so they are reproducible.
/// </summary>
public static class Reduce
{
    /// <summary>y[o, i] = Σ_j x[o, j, i].</summary>
    public static void Sum<T>(ReadOnlySpan<T> x, int outer, int n, int inner, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) y[o] = n == 0 ? T.Zero : TensorPrimitives.Sum(x.Slice(o * n, n));
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var acc = y.Slice(o * inner, inner);
            if (n == 0) { acc.Clear(); continue; }
            var block = x.Slice(o * n * inner, n * inner);
            block[..inner].CopyTo(acc);
            for (int j = 1; j < n; j++) TensorPrimitives.Add(acc, block.Slice(j * inner, inner), acc);
        }
    }

    /// <summary>y[o, i] = max_j x[o, j, i]; NaN wins. n must be at least 1.</summary>
    public static void Max<T>(ReadOnlySpan<T> x, int outer, int n, int inner, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) y[o] = TensorPrimitives.Max(x.Slice(o * n, n));
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var acc = y.Slice(o * inner, inner);
            var block = x.Slice(o * n * inner, n * inner);
            block[..inner].CopyTo(acc);
            for (int j = 1; j < n; j++) TensorPrimitives.Max(acc, block.Slice(j * inner, inner), acc);
        }
    }
}
