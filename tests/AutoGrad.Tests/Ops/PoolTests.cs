using AutoGrad.Autograd;
using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// Max and average pooling against direct loops over random shapes and windows (the op table
/// checks their gradients), PyTorch's worked values, the arg-max rule at ties and NaN, gradients
/// of gradients through the backward ops, Flatten and global average pooling, and the errors.
/// </summary>
public class PoolTests
{
    private sealed record Window(int KH, int KW, int SH, int SW, int PH, int PW);

    /// <summary>Direct max (−∞ padding, first maximum; a NaN wins, the last one as in PyTorch) or average pooling of [planes, H, W] in double precision.</summary>
    private static (double[] Y, int[] ArgMax) Reference(double[] x, int planes, int h, int w, Window k, bool max, bool countIncludePad = true)
    {
        int oh = (h + 2 * k.PH - k.KH) / k.SH + 1, ow = (w + 2 * k.PW - k.KW) / k.SW + 1;
        var y = new double[planes * oh * ow];
        var at = new int[y.Length];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int arg = -1, count = 0;
                    for (int a = 0; a < k.KH; a++)
                        for (int b = 0; b < k.KW; b++)
                        {
                            int r = i * k.SH - k.PH + a, c = j * k.SW - k.PW + b;
                            if (r < 0 || r >= h || c < 0 || c >= w) continue;
                            double v = x[(p * h + r) * w + c];
                            count++;
                            sum += v;
                            if (arg < 0 || v > best || double.IsNaN(v)) { best = v; arg = r * w + c; }
                        }
                    int o = (p * oh + i) * ow + j;
                    y[o] = max ? best : sum / (countIncludePad ? k.KH * k.KW : count);
                    at[o] = arg;
                }
        return (y, at);
    }

    private static Gen<(int[] Shape, Window Window, double[] Values, bool Float32, bool CountIncludePad)> Cases =>
        from rank in Gen.Choose(3, 4)
        from dims in Gen.ArrayOf(Gen.Choose(1, 3), rank - 2)
        from h in Gen.Choose(1, 9)
        from w in Gen.Choose(1, 9)
        from kh in Gen.Choose(1, 4)
        from kw in Gen.Choose(1, 4)
        from sh in Gen.Choose(1, 3)
        from sw in Gen.Choose(1, 3)
        from ph in Gen.Choose(0, kh / 2)
        from pw in Gen.Choose(0, kw / 2)
        from values in Gen.ArrayOf(Gen.Choose(-20, 20).Select(v => v / 4.0), 64)
        from float32 in Gen.Elements(true, false)
        from include in Gen.Elements(true, false)
        where h + 2 * ph >= kh && w + 2 * pw >= kw
        select ((int[])[.. dims, h, w], new Window(kh, kw, sh, sw, ph, pw), values, float32, include);

    [Fact]
    public void MaxPoolMatchesDirectLoopsAndRoutesTheGradientToTheFirstMaximum()
    {
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var (shape, k, values, float32, _) = c;
            var data = Enumerable.Range(0, Shapes.Numel(shape)).Select(i => values[i * 7 % values.Length]).ToArray();
            int h = shape[^2], w = shape[^1], planes = data.Length / (h * w);
            var (expected, argmax) = Reference(data, planes, h, w, k, max: true);
            var x = Tensor.From(float32 ? DType.Float32 : DType.Float64, data, shape).RequireGrad();
            var y = x.MaxPool2d((k.KH, k.KW), (k.SH, k.SW), (k.PH, k.PW));
            Assert.Equal([.. shape[..^2], (h + 2 * k.PH - k.KH) / k.SH + 1, (w + 2 * k.PW - k.KW) / k.SW + 1], y.Shape.ToArray());
            Assert.Equal(expected, y.ToDoubleArray());

            // Each output's gradient (its index + 1, so sums are told apart) lands on its window's first maximum.
            var seed = Tensor.Arange(1, y.Numel + 1, 1, x.DType).Reshape(y.Shape.ToArray());
            y.Backward(seed);
            var grad = new double[data.Length];
            int ohw = y.Numel / planes;
            for (int o = 0; o < y.Numel; o++) grad[o / ohw * h * w + argmax[o]] += o + 1;
            Assert.Equal(grad, x.Grad!.ToDoubleArray());
        }));
    }

    [Fact]
    public void AvgPoolMatchesDirectLoopsWithEitherDivisor()
    {
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var (shape, k, values, float32, include) = c;
            var data = Enumerable.Range(0, Shapes.Numel(shape)).Select(i => values[i * 5 % values.Length]).ToArray();
            int h = shape[^2], w = shape[^1], planes = data.Length / (h * w);
            var (expected, _) = Reference(data, planes, h, w, k, max: false, include);
            var x = Tensor.From(float32 ? DType.Float32 : DType.Float64, data, shape);
            var y = x.AvgPool2d((k.KH, k.KW), (k.SH, k.SW), (k.PH, k.PW), include).ToDoubleArray();
            double tol = float32 ? 1e-5 : 1e-12;
            Assert.Equal(expected.Length, y.Length);
            for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(expected[i] - y[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: {y[i]} vs {expected[i]}");
        }));
    }

    [Theory]
    [InlineData(2, 3, 12, 18)]
    [InlineData(1, 2, 28, 28)]
    [InlineData(3, 1, 14, 14)]
    [InlineData(1, 1, 9, 17)]
    public void MaxPool2x2MatchesTheReferenceWithTiesAndNaN(int n, int c, int h, int w)
    {
        // Few distinct values make ties common; NaN and −∞ appear too (the float32 vector path and the scalar tail).
        double[] pool = [-1, 0, 0, 1, 2, double.NegativeInfinity, double.NaN, 0.5];
        var rng = new Generator(17);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var data = Enumerable.Range(0, n * c * h * w).Select(_ => pool[rng.NextInt(pool.Length)]).ToArray();
            var (expected, argmax) = Reference(data, n * c, h, w, new Window(2, 2, 2, 2, 0, 0), max: true);
            var x = Tensor.From(dtype, data, n, c, h, w).RequireGrad();
            var y = x.MaxPool2d(2);
            Assert.Equal(expected, y.ToDoubleArray());
            var seed = Tensor.Arange(1, y.Numel + 1, 1, dtype).Reshape(y.Shape.ToArray());
            y.Backward(seed);
            var grad = new double[data.Length];
            int ohw = y.Numel / (n * c);
            for (int o = 0; o < y.Numel; o++) grad[o / ohw * h * w + argmax[o]] += o + 1;
            Assert.Equal(grad, x.Grad!.ToDoubleArray());
        }
    }

    [Fact]
    public void PyTorchsWorkedValues()
    {
        // torch.arange(16.).reshape(1, 1, 4, 4)
        var x = Tensor.Arange(16).Reshape([1, 1, 4, 4]);
        Assert.Equal([5f, 7, 13, 15], x.MaxPool2d(2).ToFloatArray());
        Assert.Equal([0f, 2, 3, 8, 10, 11, 12, 14, 15], x.MaxPool2d(2, stride: 2, padding: 1).ToFloatArray());
        Assert.Equal([2.5f, 4.5f, 10.5f, 12.5f], x.AvgPool2d(2).ToFloatArray());
        // F.avg_pool2d(x, 3, stride=2, padding=1): corners see 4 of 9 cells.
        Assert.Equal([10f / 9, 24f / 9, 51f / 9, 10f], x.AvgPool2d(3, stride: 2, padding: 1).ToFloatArray());
        Assert.Equal([2.5f, 4f, 8.5f, 10f], x.AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false).ToFloatArray());
        // A [C, H, W] input keeps its rank; a non-square window.
        Assert.Equal([1, 2, 2], x.Reshape([1, 4, 4]).MaxPool2d((2, 3), stride: (2, 1)).Shape.ToArray());
        Assert.Equal([6f, 7, 14, 15], x.Reshape([1, 4, 4]).MaxPool2d((2, 3), stride: (2, 1)).ToFloatArray());
    }

    [Fact]
    public void PaddingIsMinusInfinityForMaxAndZeroForAverage()
    {
        var x = Tensor.Full(-3, 1, 1, 2, 2);
        Assert.All(x.MaxPool2d(2, stride: 1, padding: 1).ToFloatArray(), v => Assert.Equal(-3f, v));
        Assert.Equal(-3f / 4, x.AvgPool2d(2, stride: 1, padding: 1).ToFloatArray()[0]);
        Assert.Equal(-3f, x.AvgPool2d(2, stride: 1, padding: 1, countIncludePad: false).ToFloatArray()[0]);
    }

    [Fact]
    public void TiesGoToTheFirstMaximumAndNaNWins()
    {
        var x = Tensor.From(DType.Float64, [1, 1, 1, 1, 2, 0, 2, 2], 1, 2, 2, 2).RequireGrad();
        x.MaxPool2d(2).Sum().Backward();
        Assert.Equal([1.0, 0, 0, 0, 1, 0, 0, 0], x.Grad!.ToDoubleArray());

        var n = Tensor.From(DType.Float32, [1, double.NaN, 3, 2], 1, 1, 2, 2);
        Assert.True(double.IsNaN(n.MaxPool2d(2).Item()));
        Assert.True(double.IsNaN(n.MaxPool2d(2, stride: 1, padding: 1).ToDoubleArray()[1]));
    }

    [Fact]
    public void GradientsOfGradientsGoThroughTheBackwardOps()
    {
        // f = Σ maxpool(x)³: ∂f/∂x = 3·m² at the arg-maxima, and the Hessian-vector product is 6·m·v there.
        var x = Tensor.From(DType.Float64, [1, 4, 2, 3, -1, 0, 5, 2, 7], 1, 1, 3, 3);
        var v = Tensor.From(DType.Float64, [1, 1, 1, 1, 1, 1, 1, 1, 2], 1, 1, 3, 3);
        var hv = Derivatives.HessianVectorProduct(t => t.MaxPool2d(2, stride: 1).Pow(3).Sum(), x, v);
        // Windows: [1 4 3 -1] → 4 (index 1), [4 2 -1 0] → 4 (1), [3 -1 5 2] → 5 (6), [-1 0 2 7] → 7 (8).
        Assert.Equal([0, 6 * 4 * 2, 0, 0, 0, 0, 6 * 5.0, 0, 6 * 7 * 2], hv.ToDoubleArray());

        var ha = Derivatives.HessianVectorProduct(t => t.AvgPool2d(2, stride: 1).Square().Sum(), x, v);
        var direct = Derivatives.Hessian(t => t.AvgPool2d(2, stride: 1).Square().Sum(), x).Reshape([9, 9]);
        var expected = Tensor.Matmul(direct, v.Reshape([9])).ToDoubleArray();
        Assert.Equal(expected.Select(e => Math.Round(e, 12)), ha.ToDoubleArray().Select(e => Math.Round(e, 12)));
    }

    [Fact]
    public void GlobalAveragePoolingIsThePlaneMean()
    {
        var x = Tensor.Arange(24, DType.Float64).Reshape([2, 3, 2, 2]);
        var y = x.GlobalAvgPool2d();
        Assert.Equal([2, 3, 1, 1], y.Shape.ToArray());
        Assert.Equal(Enumerable.Range(0, 6).Select(p => 4 * p + 1.5), y.ToDoubleArray());
        Assert.Equal([2, 3], x.GlobalAvgPool2d(keepDim: false).Shape.ToArray());
        Assert.Equal([3, 1, 1], x.Select(0, 0).GlobalAvgPool2d().Shape.ToArray());
    }

    [Theory]
    [InlineData(0, -1, new[] { 120 })]
    [InlineData(1, -1, new[] { 2, 60 })]
    [InlineData(1, 2, new[] { 2, 12, 5 })]
    [InlineData(-2, -1, new[] { 2, 3, 20 })]
    [InlineData(2, 2, new[] { 2, 3, 4, 5 })]
    public void FlattenMergesTheGivenDimensions(int start, int end, int[] expected)
    {
        var x = Tensor.Arange(120).Reshape([2, 3, 4, 5]);
        var y = x.Flatten(start, end);
        Assert.Equal(expected, y.Shape.ToArray());
        Assert.Equal(x.ToFloatArray(), y.ToFloatArray());
        Assert.Equal([1], Tensor.Scalar(2).Flatten(0).Shape.ToArray());
    }

    // ---- Errors: each names the op, the argument and its value (or the shapes and the dimension)

    private static void Fails(string expected, Action op)
    {
        var e = Assert.Throws<ShapeException>(op);
        Assert.Equal(expected, e.Message);
    }

    private static void Refused(string expected, string argument, Action op)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(op);
        Assert.StartsWith(expected, e.Message);
        Assert.Equal(argument, e.ParamName);
    }

    [Fact]
    public void BadInputsAreRefusedWithTheirShapes()
    {
        Fails("max_pool2d: input has shape [4, 4]: rank 2; it must have rank 3 ([C, H, W]) or 4 ([N, C, H, W])", () => Tensor.Zeros(4, 4).MaxPool2d(2));
        Fails("avg_pool2d: input has shape [1, 1, 1, 4, 4]: rank 5; it must have rank 3 ([C, H, W]) or 4 ([N, C, H, W])", () => Tensor.Zeros(1, 1, 1, 4, 4).AvgPool2d(2));
        Fails("max_pool2d: input [1, 1, 2, 5] with padding 0 is too small for kernelSize 3 at dimension 2: 2 + 2·0 vs 3; each padded spatial size must be at least the kernel size",
            () => Tensor.Zeros(1, 1, 2, 5).MaxPool2d(3));
        Fails("avg_pool2d: input [3, 5, 2] with padding 1 is too small for kernelSize 5 at dimension 2: 2 + 2·1 vs 5; each padded spatial size must be at least the kernel size",
            () => Tensor.Zeros(3, 5, 2).AvgPool2d((1, 5), padding: (0, 1)));
        Fails("global_avg_pool2d: input has shape [4]: rank 1; it must have rank 3 ([C, H, W]) or 4 ([N, C, H, W])", () => Tensor.Zeros(4).GlobalAvgPool2d());
        Fails("flatten: startDim 2 comes after endDim 1 for shape [2, 3, 4]; startDim must not come after endDim", () => Tensor.Zeros(2, 3, 4).Flatten(2, 1));
        Fails("flatten: axis 3 is out of range for a tensor of rank 3 (valid: -3..2)", () => Tensor.Zeros(2, 3, 4).Flatten(3));
    }

    [Fact]
    public void BadWindowsAreRefusedWithTheirValues()
    {
        var x = Tensor.Zeros(1, 1, 4, 4);
        Refused("max_pool2d: stride must be > 0, got 0 (input [1, 1, 4, 4])", "stride", () => x.MaxPool2d(2, stride: 0));
        Refused("avg_pool2d: stride must be > 0, got (1, -1) (input [1, 1, 4, 4])", "stride", () => x.AvgPool2d((2, 2), stride: (1, -1)));
        Refused("max_pool2d: kernelSize must be > 0, got 0 (input [1, 1, 4, 4])", "kernelSize", () => x.MaxPool2d(0));
        Refused("max_pool2d: padding must be >= 0, got -1 (input [1, 1, 4, 4])", "padding", () => x.MaxPool2d(2, padding: -1));
        Refused("max_pool2d: padding must be at most half of kernelSize 3 (PyTorch's rule, so that every window overlaps the input), got 2 (input [1, 1, 4, 4])", "padding",
            () => x.MaxPool2d(3, padding: 2));
        Refused("avg_pool2d: padding must be at most half of kernelSize (2, 4) (PyTorch's rule, so that every window overlaps the input), got (2, 1) (input [1, 1, 4, 4])", "padding",
            () => x.AvgPool2d((2, 4), padding: (2, 1)));
    }
}
