using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// Batch normalization in training over x viewed as [N, C, S] (S the product of the trailing
/// sizes): per-channel statistics, the normalization with an optional per-channel scale, and its
/// backward, each in the fewest passes. Sums over a channel run slice by slice (S contiguous
/// elements) in the tensor's precision and across slices in double; the variance is taken from
/// the centred values (two passes), so a mean large against the spread costs no accuracy.
/// </summary>
public static class Normalization
{
    /// <summary>stats[c] = mean of channel c, stats[C + c] = its biased variance.</summary>
    public static void BatchStats<T>(ReadOnlySpan<T> x, int n, int c, int s, Span<T> stats) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double count = (double)n * s;
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += double.CreateTruncating(TensorPrimitives.Sum(x.Slice((i * c + ch) * s, s)));
            T mean = T.CreateTruncating(sum / count);
            double squares = 0;
            for (int i = 0; i < n; i++) squares += double.CreateTruncating(CentredSquares(x.Slice((i * c + ch) * s, s), mean));
            stats[ch] = mean;
            stats[c + ch] = T.CreateTruncating(squares / count);
        }
    }

    /// <summary>y = (x − mean)/√(var + eps)·γ per channel (γ = 1 when <paramref name="weight"/> is empty).</summary>
    public static void BatchNormalize<T>(ReadOnlySpan<T> x, int n, int c, int s, ReadOnlySpan<T> stats, T eps, ReadOnlySpan<T> weight, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int ch = 0; ch < c; ch++)
        {
            T scale = T.One / T.Sqrt(stats[c + ch] + eps);
            if (!weight.IsEmpty) scale *= weight[ch];
            T shift = -stats[ch] * scale;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                Affine(x.Slice(at, s), scale, shift, y.Slice(at, s));
            }
        }
    }

    /// <summary>
    /// The backward of <see cref="BatchNormalize"/> with batch statistics: with x̂ = (x − μ)/σ̂,
    /// dx = γ/σ̂·(G − mean(G) − x̂·mean(G·x̂)) and dγ = Σ G·x̂ per channel (dγ skipped when empty).
    /// </summary>
    public static void BatchNormalizeBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, int n, int c, int s, ReadOnlySpan<T> stats, T eps,
        ReadOnlySpan<T> weight, Span<T> dx, Span<T> dweight) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating((double)n * s);
        for (int ch = 0; ch < c; ch++)
        {
            T mean = stats[ch], inv = T.One / T.Sqrt(stats[c + ch] + eps);
            double sumG = 0, sumGx = 0;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                sumG += double.CreateTruncating(TensorPrimitives.Sum(g.Slice(at, s)));
                sumGx += double.CreateTruncating(CentredDot(g.Slice(at, s), x.Slice(at, s), mean));
            }
            // Σ G·x̂ = inv·Σ G·(x − μ).
            T gxhat = T.CreateTruncating(sumGx) * inv;
            if (!dweight.IsEmpty) dweight[ch] = gxhat;
            if (dx.IsEmpty) continue;
            T a = weight.IsEmpty ? inv : weight[ch] * inv;
            // dx = a·G + cx·(x − μ) + b, with cx = −a·inv·mean(G·x̂) and b = −a·mean(G).
            T cx = -a * inv * gxhat / count, b = -a * T.CreateTruncating(sumG) / count;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                Combine(g.Slice(at, s), x.Slice(at, s), mean, a, cx, b, dx.Slice(at, s));
            }
        }
    }

    /// <summary>Σ (x − m)².</summary>
    private static T CentredSquares<T>(ReadOnlySpan<T> x, T m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            var mv = new Vector<T>(m);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = new Vector<T>(x[i..]) - mv;
                acc += d * d;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += (x[i] - m) * (x[i] - m);
        return sum;
    }

    /// <summary>Σ g·(x − m).</summary>
    private static T CentredDot<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            var mv = new Vector<T>(m);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                acc += new Vector<T>(g[i..]) * (new Vector<T>(x[i..]) - mv);
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += g[i] * (x[i] - m);
        return sum;
    }

    /// <summary>y = a·x + b.</summary>
    private static void Affine<T>(ReadOnlySpan<T> x, T a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> av = new(a), bv = new(b);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                (av * new Vector<T>(x[i..]) + bv).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++) y[i] = a * x[i] + b;
    }

    /// <summary>dx = a·g + cx·(x − m) + b.</summary>
    private static void Combine<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T m, T a, T cx, T b, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> av = new(a), cv = new(cx), bv = new(b), mv = new(m);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                (av * new Vector<T>(g[i..]) + cv * (new Vector<T>(x[i..]) - mv) + bv).CopyTo(dx[i..]);
        }
        for (; i < x.Length; i++) dx[i] = a * g[i] + cx * (x[i] - m) + b;
    }
}
