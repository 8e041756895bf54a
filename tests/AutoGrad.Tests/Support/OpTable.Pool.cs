using AutoGrad.NN;
using static AutoGrad.Tests.Support.Domain;
using static AutoGrad.Tests.Support.ShapeRules;

namespace AutoGrad.Tests.Support;

// Rows for pooling, flatten and normalization: random shapes (size-1 dimensions included), random
// windows (kernel, stride, padding within PyTorch's rules, square and not) and both divisors of
// average pooling; batch norm in training on 2-d, 3-d and 4-d inputs with and without affine
// parameters, in evaluation on running statistics; layer norm over the last one or two dimensions.
public static partial class OpTable
{
    /// <summary>[C, H, W] or [N, C, H, W] from 3 or 4 dims; spatial sizes 1 stay 1, others grow by 2 (up to 6), so windows have room.</summary>
    private static Func<int[], int, int[][]> PoolShapes => (dims, _) =>
    {
        var s = (int[])dims.Clone();
        for (int d = s.Length - 2; d < s.Length; d++) if (s[d] > 1) s[d] += 2;
        return [s];
    };

    /// <summary>A window that fits the case's input: kernel 1..3, stride 1..3, padding at most half the kernel, the padded input at least the kernel.</summary>
    private static ((int, int) Kernel, (int, int) Stride, (int, int) Padding) Window(CaseInfo c)
    {
        (int K, int S, int P) Side(int size)
        {
            int k = 1 + c.Random.NextInt(3), p = c.Random.NextInt(k / 2 + 1);
            while (size + 2 * p < k) { k--; p = Math.Min(p, k / 2); }
            return (k, 1 + c.Random.NextInt(3), p);
        }
        var h = Side(c.Shape[^2]);
        var w = c.Random.NextInt(3) == 0 ? Side(c.Shape[^1]) : h;
        if (c.Shape[^1] + 2 * w.P < w.K) w = Side(c.Shape[^1]);
        return ((h.K, w.K), (h.S, w.S), (h.P, w.P));
    }

    /// <summary>
    /// A constant that orders the elements by a random permutation, 5 apart: added to inputs in
    /// [-2, 2], it makes every pair of values differ by at least 1, so max pooling has no ties
    /// and a normalization no near-zero variance (finite differences stay valid).
    /// </summary>
    private static Func<Tensor, Tensor> Distinct(CaseInfo c, int input = 0)
    {
        var shape = c.Shapes[input];
        var order = c.Random.Permutation(Shapes.Numel(shape)).Select(i => 5.0 * i).ToArray();
        return x => x + Const(order, shape, x.DType);
    }

    /// <summary>x [N, C, ...] from 2 to 4 dims (at least 2 values per channel) and, unless flag bit 0 is set, γ [C] and β [C].</summary>
    private static Func<int[], int, int[][]> BatchNormShapes => (dims, flags) =>
    {
        var x = (int[])dims.Clone();
        if (Shapes.Numel(x) / x[1] < 2) x[0] = 2;
        return (flags & 1) == 1 ? [x] : [x, [x[1]], [x[1]]];
    };

    /// <summary>x of 1 to 3 dims normalized over its last 1 or 2 (flag bit 1) and, unless flag bit 0 is set, γ and β of those dims.</summary>
    private static Func<int[], int, int[][]> LayerNormShapes => (dims, flags) =>
    {
        int k = dims.Length >= 2 && (flags & 2) == 2 ? 2 : 1;
        var norm = dims[^k..];
        return (flags & 1) == 1 ? [dims] : [dims, norm, norm];
    };

    private static Tensor? Input(Tensor[] xs, int i) => xs.Length > i ? xs[i] : null;

    private static readonly OpCase[] PoolRows =
    [
        new("max_pool2d", (3, 4), PoolShapes, c =>
        {
            var (k, s, p) = Window(c);
            var distinct = Distinct(c);
            bool square = k.Item1 == k.Item2 && s.Item1 == s.Item2 && p.Item1 == p.Item2 && c.Random.NextInt(2) == 0;
            return xs => square ? distinct(xs[0]).MaxPool2d(k.Item1, s.Item1, p.Item1) : distinct(xs[0]).MaxPool2d(k, s, p);
        }, [Any]),
        new("max_pool2d 2x2", (4, 4), (dims, _) => [[dims[0], dims[1], 2 * dims[2], 2 * dims[3]]], c =>
        {
            var distinct = Distinct(c);
            return xs => distinct(xs[0]).MaxPool2d(2);
        }, [Any]),
        new("max_pool2d second derivative", (3, 4), PoolShapes, c =>
        {
            var (k, s, p) = Window(c);
            var distinct = Distinct(c);
            return xs => GradOf(x => distinct(x).MaxPool2d(k, s, p).Square().Sum(), xs[0]);
        }, [Any]),
        new("avg_pool2d", (3, 4), PoolShapes, c =>
        {
            var (k, s, p) = Window(c);
            bool countIncludePad = c.Random.NextInt(2) == 0;
            return xs => xs[0].AvgPool2d(k, s, p, countIncludePad);
        }, [Any]),
        new("avg_pool2d second derivative", (3, 4), PoolShapes, c =>
        {
            var (k, s, p) = Window(c);
            bool countIncludePad = c.Random.NextInt(2) == 0;
            return xs => GradOf(x => x.AvgPool2d(k, s, p, countIncludePad).Square().Sum(), xs[0]);
        }, [Any]),
        new("global_avg_pool2d", (3, 4), Same(1), c => { bool keep = c.Random.NextInt(2) == 0; return xs => xs[0].GlobalAvgPool2d(keep); }, [Any]),
        new("flatten start end", (0, 4), Same(1), c =>
        {
            int rank = Math.Max(c.Rank, 1), start = c.Random.NextInt(rank), end = start + c.Random.NextInt(rank - start);
            if (c.Random.NextInt(2) == 0) end -= rank;
            return xs => xs[0].Flatten(start, end);
        }, [Any]),

        new("batch_norm training", (2, 4), BatchNormShapes, c =>
        {
            var distinct = Distinct(c);
            bool tracked = c.Random.NextInt(2) == 0;
            double momentum = c.Random.NextInt(2) == 0 ? 0.1 : 0.5;
            int channels = c.Shape[1];
            return xs =>
            {
                Tensor? mean = tracked ? Tensor.Zeros(xs[0].DType, channels) : null, variance = tracked ? Tensor.Ones(xs[0].DType, channels) : null;
                return Tensor.BatchNorm(distinct(xs[0]), mean, variance, Input(xs, 1), Input(xs, 2), training: true, momentum);
            };
        }, [Any]),
        new("batch_norm eval", (2, 4), BatchNormShapes, c =>
        {
            int channels = c.Shape[1];
            var mean = Enumerable.Range(0, channels).Select(_ => c.Random.NextNormal()).ToArray();
            var variance = Enumerable.Range(0, channels).Select(_ => 0.5 + c.Random.NextDouble()).ToArray();
            return xs => Tensor.BatchNorm(xs[0], Const(mean, [channels], xs[0].DType), Const(variance, [channels], xs[0].DType), Input(xs, 1), Input(xs, 2), training: false);
        }, [Any]),
        new("layer_norm", (1, 3), LayerNormShapes, c =>
        {
            var distinct = Distinct(c);
            int k = c.Shapes.Length > 1 ? c.Shapes[1].Length : (c.Rank >= 2 && c.Random.NextInt(2) == 0 ? 2 : 1);
            var norm = c.Shape[^k..];
            return xs => distinct(xs[0]).LayerNorm(norm, Input(xs, 1), Input(xs, 2));
        }, [Any]),
        new("second derivative: batch_norm and layer_norm", (2, 3), (dims, _) => [BatchNormShapes(dims, 1)[0]], c =>
        {
            var distinct = Distinct(c);
            var shape = c.Shape;
            var w = Enumerable.Range(0, Shapes.Numel(shape)).Select(i => Math.Sin(i + 1.0)).ToArray();
            return xs => GradOf(x =>
            {
                var y = Tensor.BatchNorm(distinct(x), null, null, training: true) * Const(w, shape, x.DType);
                return (y.LayerNorm(shape[^1..]) * y).Sum();
            }, xs[0]);
        }, [Any]),

        // Layers built from them (without affine parameters: a leaf created inside a captured step cannot receive a gradient)
        new("nn batchnorm2d relu maxpool2d flatten", (4, 4), (dims, _) => [[Math.Max(dims[0], 2), dims[1], 2 * dims[2], 2 * dims[3]]], c =>
        {
            var distinct = Distinct(c);
            int channels = c.Shape[1];
            return xs => new Sequential(new BatchNorm2d(channels, affine: false, dtype: xs[0].DType), new ReLU(), new MaxPool2d(2), new Flatten()).Forward(distinct(xs[0]));
        }, [Any]),
        new("nn avgpool2d layernorm", (4, 4), PoolShapes, c =>
        {
            var (k, s, p) = Window(c);
            var distinct = Distinct(c);
            int ow = (c.Shape[^1] + 2 * p.Item2 - k.Item2) / s.Item2 + 1;
            return xs => new Sequential(new AvgPool2d(k, s, p), new LayerNorm(ow, elementwiseAffine: false)).Forward(distinct(xs[0]));
        }, [Any]),
    ];
}
