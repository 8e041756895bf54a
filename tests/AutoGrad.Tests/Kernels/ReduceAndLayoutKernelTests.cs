using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

public class ReduceAndLayoutKernelTests
{
    [Fact]
    public void SumAndMaxAgreeWithLoopsForAllLengths()
    {
        var rng = new Generator(1);
        for (int n = 1; n <= 70; n++)
            foreach (var (outer, inner) in new[] { (1, 1), (3, 1), (2, 5), (1, 17) })
            {
                var x = new double[outer * n * inner];
                for (int i = 0; i < x.Length; i++) x[i] = rng.NextNormal();
                var s = new double[outer * inner];
                var m = new double[outer * inner];
                Reduce.Sum<double>(x, outer, n, inner, s);
                Reduce.Max<double>(x, outer, n, inner, m);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        double es = 0, em = double.NegativeInfinity;
                        for (int j = 0; j < n; j++) { double v = x[(o * n + j) * inner + i]; es += v; em = Math.Max(em, v); }
                        Assert.Equal(es, s[o * inner + i], 1e-12);
                        Assert.Equal(em, m[o * inner + i]);
                    }
            }
    }

    [Fact]
    public void MaxPropagatesNaN()
    {
        var m = new float[1];
        Reduce.Max<float>([1f, float.NaN, 3f], 1, 3, 1, m);
        Assert.True(float.IsNaN(m[0]));
        var m2 = new float[2];
        Reduce.Max<float>([1f, 2f, float.NaN, 0f], 1, 2, 2, m2);
        Assert.True(float.IsNaN(m2[0]));
        Assert.Equal(2f, m2[1]);
    }

    [Fact]
    public void PermuteMatchesIndexArithmetic()
    {
        int[] shape = [2, 3, 4];
        var x = Enumerable.Range(0, 24).Select(i => (double)i).ToArray();
        foreach (var perm in new[] { new[] { 0, 2, 1 }, [2, 1, 0], [1, 0, 2], [2, 0, 1] })
        {
            var y = new double[24];
            Layout.Permute<double>(x, shape, perm, y);
            var ys = perm.Select(p => shape[p]).ToArray();
            int k = 0;
            for (int a = 0; a < ys[0]; a++)
                for (int b = 0; b < ys[1]; b++)
                    for (int c = 0; c < ys[2]; c++)
                    {
                        var src = new int[3];
                        src[perm[0]] = a; src[perm[1]] = b; src[perm[2]] = c;
                        Assert.Equal((src[0] * 3 + src[1]) * 4 + src[2], y[k++]);
                    }
        }
    }

    [Fact]
    public void BroadcastBinaryMatchesExplicitExpansion()
    {
        var rng = new Generator(5);
        int[][] pairsA = [[3, 1, 4], [1, 4], [2, 3, 4], [1], [3, 1, 1]];
        int[][] pairsB = [[1, 5, 4], [3, 1, 1], [4], [2, 3, 4], [1, 2, 1]];
        for (int t = 0; t < pairsA.Length; t++)
        {
            var a = Tensor.Normal(rng, 0, 1, DType.Float64, pairsA[t]);
            var b = Tensor.Normal(rng, 0, 1, DType.Float64, pairsB[t]);
            var shape = Shapes.Broadcast("test", pairsA[t], pairsB[t]);
            var y = (a - b).ToDoubleArray();
            var ea = a.Expand(shape).ToDoubleArray();
            var eb = b.Expand(shape).ToDoubleArray();
            for (int i = 0; i < y.Length; i++) Assert.Equal(ea[i] - eb[i], y[i]);
        }
    }
}

public class FusedKernelTests
{
    [Fact]
    public void ReluGradMatchesScalarDefinitionWithSpecials()
    {
        for (int n = 0; n <= 70; n++)
        {
            var rng = new Generator((ulong)n);
            var x = new float[n];
            var g = new float[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = rng.NextInt(6) == 0 ? new[] { 0f, -0f, float.NaN, float.PositiveInfinity }[rng.NextInt(4)] : (float)rng.NextNormal();
                g[i] = rng.NextInt(6) == 0 ? float.NaN : (float)rng.NextNormal();
            }
            var y = new float[n];
            AutoGrad.Kernels.Fused.ReluGrad<float>(x, g, y);
            for (int i = 0; i < n; i++)
            {
                float e = x[i] > 0 ? g[i] : 0f;
                Assert.True(e.Equals(y[i]), $"n={n} i={i} x={x[i]} g={g[i]}: expected {e}, got {y[i]}");
            }
        }
    }

    [Fact]
    public void LogSoftmaxKernelMatchesCompositionAlongEveryAxis()
    {
        var x = Tensor.Normal(new Generator(4), 0, 5, DType.Float64, 3, 4, 5);
        for (int axis = 0; axis < 3; axis++)
        {
            var fused = x.LogSoftmax(axis).ToDoubleArray();
            var composed = (x - x.LogSumExp([axis], keepDim: true)).ToDoubleArray();
            for (int i = 0; i < fused.Length; i++) Assert.Equal(composed[i], fused[i], 1e-12);
        }
        var inf = Tensor.From(DType.Float64, [double.NegativeInfinity, double.NegativeInfinity, 0, 1e300], 2, 2).LogSoftmax(1).ToDoubleArray();
        Assert.True(double.IsNaN(inf[0]) && double.IsNaN(inf[1]), "an all −∞ row has no softmax");
        Assert.Equal(0, inf[3]);
    }
}
