using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>Kernels that fuse what would otherwise be several passes over large tensors.</summary>
public static class Fused
{
    private const float MinNormalSingle = 1.17549435e-38f;
    private const double MinNormalDouble = 2.2250738585072014e-308;

    /// <summary>ReLU backward: y[i] = x[i] &gt; 0 ? g[i] : 0 (so a NaN gradient where the unit is off stays 0).</summary>
    public static void ReluGrad<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; i <= y.Length - w; i += w)
            {
                var on = Vector.GreaterThan(new Vector<T>(x[i..]), Vector<T>.Zero);
                Vector.ConditionalSelect(on, new Vector<T>(g[i..]), Vector<T>.Zero).CopyTo(y[i..]);
            }
        }
        for (; i < y.Length; i++) y[i] = x[i] > T.Zero ? g[i] : T.Zero;
    }

    /// <summary>
    /// Log-softmax along the middle axis of x viewed as [outer, n, inner]: y = x − m − log Σ e^{x−m}
    /// with m the maximum, taken as 0 when it is infinite, so that a slice with +∞ gives NaN at the
    /// +∞ entries and −∞ elsewhere (not NaN everywhere). NaN anywhere in a slice makes it all NaN,
    /// and so does a slice that is all −∞: its softmax would be 0/0 (as in PyTorch).
    /// </summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> x, int outer, int n, int inner, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = x.Slice(o * n, n);
                var dst = y.Slice(o * n, n);
                T m = TensorPrimitives.Max(row);
                if (!T.IsFinite(m)) m = T.IsNaN(m) ? m : T.Zero;
                TensorPrimitives.Subtract(row, m, dst);
                TensorPrimitives.Exp(dst, dst);
                T lse = m + T.Log(TensorPrimitives.Sum<T>(dst));
                TensorPrimitives.Subtract(row, lse, dst);
            }
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * n * inner + i;
                T m = x[b];
                for (int j = 1; j < n; j++) m = T.MaxNumber(m, x[b + j * inner]) ;
                for (int j = 0; j < n; j++) if (T.IsNaN(x[b + j * inner])) m = x[b + j * inner];
                if (!T.IsFinite(m) && !T.IsNaN(m)) m = T.Zero;
                T s = T.Zero;
                for (int j = 0; j < n; j++) s += T.Exp(x[b + j * inner] - m);
                T lse = m + T.Log(s);
                for (int j = 0; j < n; j++) y[b + j * inner] = x[b + j * inner] - lse;
            }
    }

    /// <summary>
    /// The momentum update in one pass: v ← γ·v + η·g, then w ← w − v (the notes' form). Three
    /// passes of TensorPrimitives would stream the parameter-sized arrays three times.
    /// </summary>
    public static void MomentumStep<T>(Span<T> w, ReadOnlySpan<T> g, Span<T> v, T gamma, T lr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int width = Vector<T>.Count;
            var vg = new Vector<T>(gamma);
            var vl = new Vector<T>(lr);
            for (; i <= w.Length - width; i += width)
            {
                var nv = vg * new Vector<T>(v[i..]) + vl * new Vector<T>(g[i..]);
                nv.CopyTo(v[i..]);
                (new Vector<T>(w[i..]) - nv).CopyTo(w[i..]);
            }
        }
        for (; i < w.Length; i++)
        {
            v[i] = gamma * v[i] + lr * g[i];
            w[i] -= v[i];
        }
    }

    /// <summary>
    /// Log-softmax backward in one pass per slice of x viewed as [outer, n, inner]:
    /// dx = g − softmax·Σg with softmax = e^y. Probabilities below the smallest normal number are
    /// flushed to 0: a confidently wrong class has e^y ≈ 1e−44, and such subnormal values would
    /// otherwise flow into every later matrix multiply of the backward pass, where subnormal
    /// arithmetic is many times slower on x86. The change is below 1e−38 in absolute terms.
    /// </summary>
    public static void LogSoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, int outer, int n, int inner, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T tiny = typeof(T) == typeof(float) ? T.CreateTruncating(MinNormalSingle) : T.CreateTruncating(MinNormalDouble);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * n * inner + i;
                T sum = T.Zero;
                for (int j = 0; j < n; j++) sum += g[b + j * inner];
                for (int j = 0; j < n; j++)
                {
                    T p = T.Exp(y[b + j * inner]);
                    if (p < tiny) p = T.Zero;
                    T v = g[b + j * inner] - p * sum;
                    dx[b + j * inner] = T.Abs(v) < tiny ? T.Zero : v;
                }
            }
    }
}
