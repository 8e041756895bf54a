using System.Numerics;
using AutoGrad.Kernels;
using static AutoGrad.Tests.Kernels.KernelSweep;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// Broadcast.Binary, Where and Expand against explicit index arithmetic written here, with the
/// broadcast run (the innermost collapsed dimension) swept over lengths 0..70 in every form the
/// driver has: same shapes, a scalar operand, a row against a matrix, one operand constant along
/// the run on either side, and runs with both operands constant.
/// </summary>
public class BroadcastSweepTests
{
    /// <summary>Operand shape pairs for a run length n.</summary>
    private static int[][][] Pairs(int n) =>
    [
        [[n], [n]],
        [[2, n], [n]],
        [[n], [3, n]],
        [[2, n], [2, 1]],
        [[2, 1], [2, n]],
        [[n], [1]],
        [[1], [n]],
        [[n, 1], [1, 3]],
        [[3, 1, n], [1, 2, n]],
        [[n, 2], [n, 1]],
        [[2, n, 1], [1, 1, 1]],
    ];

    /// <summary>The flat index in an operand of <paramref name="shape"/> (right-aligned, size-1 dimensions repeat) of output element <paramref name="flat"/>.</summary>
    private static int Source(int flat, int[] outShape, int[] shape)
    {
        int off = 0, stride = 1, lead = outShape.Length - shape.Length;
        for (int d = outShape.Length - 1; d >= 0; d--)
        {
            int idx = flat % outShape[d];
            flat /= outShape[d];
            int k = d - lead;
            if (k < 0) continue;
            if (shape[k] != 1) off += idx * stride;
            stride *= shape[k];
        }
        return off;
    }

    private static int Numel(int[] s) => s.Aggregate(1, (a, b) => a * b);

    private static void CheckBinary<K, T>(Func<T, T, T> reference) where K : IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= MaxLength; n++)
            foreach (var pair in Pairs(n))
            {
                var (sa, sb) = (pair[0], pair[1]);
                var rng = new Generator((ulong)(n * 101 + sa.Length * 7 + sb.Length));
                var a = Mixed<T>(rng, Numel(sa));
                var b = Mixed<T>(rng, Numel(sb));
                var sy = Shapes.Broadcast("test", sa, sb);
                var y = new T[Numel(sy)];
                Broadcast.Binary<K, T>(a, sa, b, sb, y, sy);
                for (int e = 0; e < y.Length; e++)
                {
                    T ea = a[Source(e, sy, sa)], eb = b[Source(e, sy, sb)];
                    Identical(reference(ea, eb), y[e], () => $"{typeof(K).Name}<{typeof(T).Name}> {Shapes.Format(sa)} with {Shapes.Format(sb)} at {e} ({Show(ea)}, {Show(eb)})");
                }
            }
    }

    private static void Binary<K>(Func<float, float, float> f32, Func<double, double, double> f64) where K : IBinaryKernel
    {
        CheckBinary<K, float>(f32);
        CheckBinary<K, double>(f64);
    }

    [Fact] public void Add() => Binary<AddKernel>((a, b) => a + b, (a, b) => a + b);
    [Fact] public void Sub() => Binary<SubKernel>((a, b) => a - b, (a, b) => a - b);
    [Fact] public void Div() => Binary<DivKernel>((a, b) => a / b, (a, b) => a / b);

    /// <summary>A structural zero on either side wins over ±∞ and NaN on the other.</summary>
    [Fact] public void SafeMul() => Binary<SafeMulKernel>((a, b) => a == 0 || b == 0 ? 0f : a * b, (a, b) => a == 0 || b == 0 ? 0.0 : a * b);

    [Fact] public void Greater() => Binary<GreaterKernel>((a, b) => a > b ? 1f : 0f, (a, b) => a > b ? 1.0 : 0.0);

    private static void CheckWhere<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] conditions = [0.0, -0.0, 1.0, -2.0, double.NaN, double.PositiveInfinity];
        for (int n = 0; n <= MaxLength; n++)
        {
            int[][][] triples =
            [
                [[n], [n], [n]],
                [[n], [n], [1]],
                [[2, n], [n], [2, 1]],
                [[n, 1], [1, 3], [n, 3]],
                [[1], [2, n], [n]],
                [[3, 1, n], [1, 2, 1], [2, n]],
            ];
            foreach (var t in triples)
            {
                var rng = new Generator((ulong)(n * 53 + t[0].Length + 3 * t[2].Length));
                var c = Enumerable.Range(0, Numel(t[0])).Select(_ => T.CreateTruncating(conditions[rng.NextInt(conditions.Length)])).ToArray();
                var a = Mixed<T>(rng, Numel(t[1]));
                var b = Mixed<T>(rng, Numel(t[2]));
                var sy = Shapes.Broadcast("test", Shapes.Broadcast("test", t[0], t[1]), t[2]);
                var y = new T[Numel(sy)];
                Broadcast.Where<T>(c, t[0], a, t[1], b, t[2], y, sy);
                for (int e = 0; e < y.Length; e++)
                {
                    // "True" is any value that is not zero (of either sign); NaN is not zero.
                    T ce = c[Source(e, sy, t[0])];
                    T expected = double.CreateTruncating(ce) == 0 ? b[Source(e, sy, t[2])] : a[Source(e, sy, t[1])];
                    Identical(expected, y[e], () => $"Where<{typeof(T).Name}> {string.Join(", ", t.Select(s => Shapes.Format(s)))} at {e} (cond {Show(ce)})");
                }
            }
        }
    }

    [Fact] public void WhereFloat32() => CheckWhere<float>();
    [Fact] public void WhereFloat64() => CheckWhere<double>();

    private static void CheckExpand<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            int[][][] cases =
            [
                [[n], [n]],
                [[n], [3, n]],
                [[n, 1], [n, 4]],
                [[1, n], [2, 3, n]],
                [[1], [n]],
                [[2, 1, n], [2, 3, n]],
                [[n, 1, 1], [n, 2, 3]],
            ];
            foreach (var cse in cases)
            {
                var (sx, sy) = (cse[0], cse[1]);
                var x = Mixed<T>(new Generator((ulong)(n * 17 + sx.Length + sy.Length)), Numel(sx));
                var y = new T[Numel(sy)];
                Broadcast.Expand<T>(x, sx, y, sy);
                for (int e = 0; e < y.Length; e++)
                    Identical(x[Source(e, sy, sx)], y[e], () => $"Expand<{typeof(T).Name}> {Shapes.Format(sx)} to {Shapes.Format(sy)} at {e}");
            }
        }
    }

    [Fact] public void ExpandFloat32() => CheckExpand<float>();
    [Fact] public void ExpandFloat64() => CheckExpand<double>();
}
