using System.Numerics;
using AutoGrad.Kernels;
using static AutoGrad.Tests.Kernels.KernelSweep;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// Reduce.Sum and Reduce.Max against scalar loops written here, for every reduced length 0..70,
/// float32 and float64, in the contiguous layout (inner = 1, TensorPrimitives) and the strided one
/// (inner &gt; 1, running accumulator), with NaN, ±∞ and ±0 planted along the reduced axis.
/// </summary>
public class ReduceSweepTests
{
    private static readonly int[] Inners = [1, 5];

    /// <summary>
    /// The rows to reduce for length n: every variant of <see cref="KernelSweep.Variants"/>, a row
    /// of zeros of both signs and negative numbers (so the maximum is a signed zero), and all −0.
    /// </summary>
    private static List<(string Label, T[] Row)> Rows<T>(int n, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Generator(seed);
        var rows = Variants<T>(n, seed + 1);
        var zeros = new T[n];
        for (int j = 0; j < n; j++) zeros[j] = T.CreateTruncating(rng.NextInt(3) switch { 0 => 0.0, 1 => -0.0, _ => -1 - rng.NextDouble() });
        rows.Add(("signed zeros", zeros));
        rows.Add(("all -0", Enumerable.Repeat(T.CreateTruncating(-0.0), n).ToArray()));
        return rows;
    }

    /// <summary>Σ in float64, in order: NaN if any NaN or both infinities, else the infinity.</summary>
    private static double RefSum(double[] v)
    {
        double s = 0;
        foreach (double e in v) s += e;
        return s;
    }

    /// <summary>The IEEE 754-2019 maximum: NaN wins, and +0 counts as larger than −0.</summary>
    private static double RefMax(double[] v)
    {
        double m = v[0];
        foreach (double e in v)
        {
            if (double.IsNaN(e)) return e;
            if (e > m || (e == 0 && m == 0 && double.IsNegative(m) && !double.IsNegative(e))) m = e;
        }
        return m;
    }

    private static void CheckSum<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int inner in Inners)
            for (int n = 0; n <= MaxLength; n++)
            {
                // x is [rows, n, inner]: one call reduces every row.
                var rows = Rows<T>(n, (ulong)(n * 31 + inner));
                int outer = rows.Count;
                var x = Stack(rows.Select(r => r.Row).ToList(), n, inner, new Generator((ulong)n));
                var y = new T[outer * inner];
                y.AsSpan().Fill(T.CreateTruncating(99.0)); // n = 0 must overwrite it
                Reduce.Sum<T>(x, outer, n, inner, y);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        var s = Slice(x, n, inner, o, i);
                        double scale = Math.Max(1, s.Where(double.IsFinite).Sum(Math.Abs));
                        // The sign of a zero sum is not pinned down: for all −0 the contiguous path
                        // (TensorPrimitives.Sum) gives +0 or −0 depending on n, the strided one −0.
                        // The empty sum is +0.
                        Close(RefSum(s), y[o * inner + i], Tol<T>(1e-5, 1e-14), scale,
                            () => $"Sum<{typeof(T).Name}> [{outer}, {n}, {inner}] row {rows[o].Label} at ({o}, {i})", zeroSign: n == 0);
                    }
            }
    }

    private static void CheckMax<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int inner in Inners)
            for (int n = 1; n <= MaxLength; n++)
            {
                var rows = Rows<T>(n, (ulong)(n * 37 + inner));
                int outer = rows.Count;
                var x = Stack(rows.Select(r => r.Row).ToList(), n, inner, new Generator((ulong)n + 500));
                var y = new T[outer * inner];
                Reduce.Max<T>(x, outer, n, inner, y);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                        Identical(T.CreateTruncating(RefMax(Slice(x, n, inner, o, i))), y[o * inner + i],
                            () => $"Max<{typeof(T).Name}> [{outer}, {n}, {inner}] row {rows[o].Label} at ({o}, {i})");
            }
    }

    [Fact] public void SumFloat32() => CheckSum<float>();
    [Fact] public void SumFloat64() => CheckSum<double>();
    [Fact] public void MaxFloat32() => CheckMax<float>();
    [Fact] public void MaxFloat64() => CheckMax<double>();

    [Fact]
    public void MaxOrdersSignedZerosAndLetsNaNWinWherever()
    {
        foreach (var (outer, inner) in new[] { (1, 1), (3, 1), (2, 5) })
        {
            // Every order of −0 and +0 gives +0; a NaN anywhere gives NaN, even after +∞.
            foreach (double[] row in new[] { new[] { -0.0, 0.0 }, [0.0, -0.0], [-0.0, -1.0, 0.0, -0.0], [double.PositiveInfinity, double.NaN], [double.NaN, double.PositiveInfinity] })
            {
                int n = row.Length;
                var x = new double[outer * n * inner];
                for (int o = 0; o < outer; o++)
                    for (int j = 0; j < n; j++)
                        for (int i = 0; i < inner; i++) x[(o * n + j) * inner + i] = row[j];
                var y = new double[outer * inner];
                Reduce.Max<double>(x, outer, n, inner, y);
                var f = new float[outer * inner];
                Reduce.Max<float>(x.Select(v => (float)v).ToArray(), outer, n, inner, f);
                double expected = row.Any(double.IsNaN) ? double.NaN : row.Contains(double.PositiveInfinity) ? double.PositiveInfinity : 0.0;
                foreach (var v in y) Identical(expected, v, () => $"max of [{string.Join(", ", row.Select(Show))}] in [{outer}, {n}, {inner}]");
                foreach (var v in f) Identical((float)expected, v, () => $"float32 max of [{string.Join(", ", row.Select(Show))}] in [{outer}, {n}, {inner}]");
            }
        }
    }

    [Fact]
    public void EmptyAxes()
    {
        foreach (var (outer, inner) in new[] { (1, 1), (3, 1), (2, 5) })
        {
            // Sum over an empty axis writes +0; Max needs n ≥ 1 (the op checks, the kernel throws).
            var y = Enumerable.Repeat(-5.0, outer * inner).ToArray();
            Reduce.Sum<double>([], outer, 0, inner, y);
            Assert.All(y, v => Identical(0.0, v, () => "empty sum"));
            Assert.ThrowsAny<ArgumentException>(() => Reduce.Max<double>([], outer, 0, inner, new double[outer * inner]));
            Reduce.Max<double>([], 0, 5, inner, []); // nothing to reduce
        }
        Assert.Equal([0.0, 0.0], Tensor.Zeros(DType.Float64, 2, 0).Sum(1).ToDoubleArray());
        Assert.Throws<ShapeException>(() => Tensor.Zeros(DType.Float64, 2, 0).Max(1));
    }
}
