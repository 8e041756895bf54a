using System.Numerics;
using AutoGrad.Kernels;
using static AutoGrad.Tests.Kernels.KernelSweep;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// Every kernel of Fused against scalar code written here, float32 and float64, for every length
/// 0..70 (row lengths 1..70 for log-softmax), with NaN, ±∞ and ±0 planted and mixed in.
/// </summary>
public class FusedSweepTests
{
    // ---- ReLU backward -------------------------------------------------------------------------

    private static void CheckReluGrad<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            var xs = Variants<T>(n, (ulong)n);
            var gs = Variants<T>(n, 1000 + (ulong)n);
            int c = xs.Count;
            for (int k = 0; k < 2 * c; k++)
            {
                var (lx, x) = xs[k % c];
                var (lg, g) = k < c ? gs[k] : gs[c - 1 - k % c];
                var y = new T[n];
                Fused.ReluGrad<T>(x, g, y);
                for (int i = 0; i < n; i++)
                {
                    // The unit passes the gradient only where x > 0 (NaN and ±0 are off), and an
                    // off unit gives +0 whatever the gradient, NaN included.
                    double xi = double.CreateTruncating(x[i]), gi = double.CreateTruncating(g[i]);
                    double expected = xi > 0 ? gi : 0.0;
                    Identical(T.CreateTruncating(expected), y[i], () => $"ReluGrad<{typeof(T).Name}> n={n} x {lx}, g {lg}: i={i} x={Show(x[i])} g={Show(g[i])}");
                }
            }
        }
    }

    [Fact] public void ReluGradFloat32() => CheckReluGrad<float>();
    [Fact] public void ReluGradFloat64() => CheckReluGrad<double>();

    // ---- Momentum step -------------------------------------------------------------------------

    private static void CheckMomentum<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var (gammaD, lrD) in new[] { (0.9, 0.05), (0.0, 1.0) })
        {
            T gamma = T.CreateTruncating(gammaD), lr = T.CreateTruncating(lrD);
            for (int n = 0; n <= MaxLength; n++)
            {
                var ws = Variants<T>(n, (ulong)n);
                var gs = Variants<T>(n, 2000 + (ulong)n);
                var vs = Variants<T>(n, 4000 + (ulong)n);
                int c = ws.Count;
                for (int k = 0; k < 2 * c; k++)
                {
                    // Each input's variants in order; the others either aligned (the same special at
                    // the same place in all three) or rotated by a third.
                    int kg = k < c ? k : (k + c / 3) % c, kv = k < c ? k : (k + 2 * c / 3) % c;
                    var (lw, w0) = ws[k % c];
                    var (lg, g) = gs[kg];
                    var (lv, v0) = vs[kv];
                    var w = (T[])w0.Clone();
                    var v = (T[])v0.Clone();
                    Fused.MomentumStep<T>(w, g, v, gamma, lr);
                    for (int i = 0; i < n; i++)
                    {
                        // v ← γ·v + η·g, then w ← w − v, one element at a time in T.
                        T nv = gamma * v0[i] + lr * g[i];
                        T nw = w0[i] - nv;
                        string What() => $"MomentumStep<{typeof(T).Name}> γ={gammaD} η={lrD} n={n} w {lw}, g {lg}, v {lv}: i={i} (w={Show(w0[i])}, g={Show(g[i])}, v={Show(v0[i])})";
                        Identical(nv, v[i], () => What() + " v");
                        Identical(nw, w[i], () => What() + " w");
                    }
                }
            }
        }
    }

    [Fact] public void MomentumStepFloat32() => CheckMomentum<float>();
    [Fact] public void MomentumStepFloat64() => CheckMomentum<double>();

    // ---- Log-softmax ---------------------------------------------------------------------------

    private static readonly int[] Inners = [1, 3];

    /// <summary>
    /// log-softmax of one row in float64, x − log Σ e^x: NaN anywhere makes the row NaN; a +∞ makes
    /// log Σ e^x = +∞, so +∞ entries give ∞ − ∞ = NaN and the others −∞; an all −∞ row has no
    /// softmax (0/0) and gives NaN; otherwise −∞ entries give −∞.
    /// </summary>
    private static double[] RefLogSoftmax(double[] row)
    {
        int n = row.Length;
        var y = new double[n];
        if (row.Any(double.IsNaN) || row.All(double.IsNegativeInfinity)) { Array.Fill(y, double.NaN); return y; }
        if (row.Any(double.IsPositiveInfinity))
        {
            for (int j = 0; j < n; j++) y[j] = double.IsPositiveInfinity(row[j]) ? double.NaN : double.NegativeInfinity;
            return y;
        }
        double m = row.Where(double.IsFinite).Max();
        double s = 0;
        foreach (double v in row) s += Math.Exp(v - m);
        double lse = m + Math.Log(s);
        for (int j = 0; j < n; j++) y[j] = row[j] - lse;
        return y;
    }

    private static void CheckLogSoftmax<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int inner in Inners)
            for (int n = 1; n <= MaxLength; n++)
            {
                var rows = Variants<T>(n, (ulong)n);
                rows.Add(("all -inf", Enumerable.Repeat(T.NegativeInfinity, n).ToArray()));
                var two = (T[])rows[0].Data.Clone();
                two[0] = T.PositiveInfinity;
                two[n - 1] = T.PositiveInfinity;
                rows.Add(("+inf at both ends", two));
                // x is [rows, n, inner]: one call covers every variant.
                int outer = rows.Count;
                var x = Stack(rows.Select(r => r.Data).ToList(), n, inner, new Generator((ulong)(n * 7 + inner)));
                var y = new T[x.Length];
                Fused.LogSoftmax<T>(x, outer, n, inner, y);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        var e = RefLogSoftmax(Slice(x, n, inner, o, i));
                        for (int j = 0; j < n; j++)
                            Close(e[j], y[(o * n + j) * inner + i], Tol<T>(1e-5, 1e-12), Math.Max(1, Math.Abs(e[j])),
                                () => $"LogSoftmax<{typeof(T).Name}> [{outer}, {n}, {inner}] row {rows[o].Label} at ({o}, {j}, {i})", zeroSign: false);
                    }
            }
    }

    [Fact] public void LogSoftmaxFloat32() => CheckLogSoftmax<float>();
    [Fact] public void LogSoftmaxFloat64() => CheckLogSoftmax<double>();

    // ---- Log-softmax backward ------------------------------------------------------------------

    /// <summary>dx = g − p·Σg with p = e^y, where p and dx below the smallest normal number count as 0.</summary>
    private static (double Dx, double Scale)[] RefLogSoftmaxBackward(double[] y, double[] g, double tiny)
    {
        double sum = 0, abs = 0;
        foreach (double v in g) { sum += v; abs += Math.Abs(v); }
        var r = new (double, double)[y.Length];
        for (int j = 0; j < y.Length; j++)
        {
            double p = Math.Exp(y[j]);
            if (p < tiny) p = 0;
            double v = g[j] - p * sum;
            double scale = Math.Abs(g[j]) + Math.Abs(p) * abs;
            r[j] = (Math.Abs(v) < tiny ? 0 : v, double.IsFinite(scale) ? Math.Max(1, scale) : 1);
        }
        return r;
    }

    private static void CheckLogSoftmaxBackward<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        double tiny = single ? 1.17549435e-38 : 2.2250738585072014e-308;
        T flushed = T.CreateTruncating(single ? -100.0 : -800.0); // e^y is subnormal or 0
        foreach (int inner in Inners)
            for (int n = 1; n <= MaxLength; n++)
            {
                // y rows: log-probabilities of random logits; g rows: random. Specials go into g
                // (every variant) or into y (each special and a flushed log-probability, at each position).
                var rng = new Generator((ulong)(n * 11 + inner));
                T[] LogProbabilities() => RefLogSoftmax(ToDouble(Values<T>(rng, n))).Select(T.CreateTruncating).ToArray();
                var cases = new List<(string Label, T[] Y, T[] G)>();
                foreach (var (label, g) in Variants<T>(n, (ulong)n)) cases.Add(($"g {label}", LogProbabilities(), g));
                foreach (int p in Positions<T>(n))
                    foreach (double s in Specials.Append(double.CreateTruncating(flushed)))
                    {
                        var y = LogProbabilities();
                        y[p] = T.CreateTruncating(s);
                        cases.Add(($"y {Show(s)} at {p}", y, Values<T>(rng, n)));
                    }
                // Where e^y is flushed and g is 0, dx = −e^y·Σg would be subnormal without the flush.
                var yFlushed = LogProbabilities();
                var gZero = Values<T>(rng, n);
                for (int j = 0; j < n; j += 2) { yFlushed[j] = flushed; gZero[j] = T.Zero; }
                cases.Add(("y flushed at even positions", yFlushed, gZero));

                // [cases, n, inner]: one call covers every case. The slices off inner / 2 get
                // random y and g that are not log-probabilities, which the formula does not need.
                int outer = cases.Count;
                var yt = Stack(cases.Select(c => c.Y).ToList(), n, inner, rng);
                var gt = Stack(cases.Select(c => c.G).ToList(), n, inner, rng);
                var dx = new T[yt.Length];
                Fused.LogSoftmaxBackward<T>(yt, gt, outer, n, inner, dx);
                Assert.DoesNotContain(dx, T.IsSubnormal);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        var e = RefLogSoftmaxBackward(Slice(yt, n, inner, o, i), Slice(gt, n, inner, o, i), tiny);
                        for (int j = 0; j < n; j++)
                            Close(e[j].Dx, dx[(o * n + j) * inner + i], Tol<T>(1e-5, 1e-13), e[j].Scale,
                                () => $"LogSoftmaxBackward<{typeof(T).Name}> [{outer}, {n}, {inner}] {cases[o].Label} at ({o}, {j}, {i})", zeroSign: false);
                    }
            }
    }

    [Fact] public void LogSoftmaxBackwardFloat32() => CheckLogSoftmaxBackward<float>();
    [Fact] public void LogSoftmaxBackwardFloat64() => CheckLogSoftmaxBackward<double>();
}
