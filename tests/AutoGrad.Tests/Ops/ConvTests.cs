using AutoGrad.Kernels;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// conv1d, conv2d, unfold and fold against direct loops over random arguments (sizes, kernels
/// including 1, strides, padding, dilation, groups, bias, unbatched inputs), the identities that tie
/// unfold and fold together, float32 against float64, independence of the thread count, and the
/// errors. Their gradients are checked by the op table (OpTable.Conv.cs).
/// </summary>
public class ConvTests
{
    private sealed record Args(int N, int C, int H, int W, int O, int Groups, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW)
    {
        public int OH => (H + 2 * PH - DH * (KH - 1) - 1) / SH + 1;
        public int OW => (W + 2 * PW - DW * (KW - 1) - 1) / SW + 1;
    }

    /// <summary>Random valid arguments: sizes 1..6, kernels 1..3, strides and dilations 1..3, padding 0..2, groups dividing both channel counts.</summary>
    private static Args Draw(Random r, bool oneD = false)
    {
        int groups = r.Next(1, 4);
        int c = groups * r.Next(1, 3), o = groups * r.Next(1, 3);
        int kh = oneD ? 1 : r.Next(1, 4), kw = r.Next(1, 4);
        int sh = oneD ? 1 : r.Next(1, 4), sw = r.Next(1, 4), dh = oneD ? 1 : r.Next(1, 3), dw = r.Next(1, 3);
        int ph = oneD ? 0 : r.Next(0, 3), pw = r.Next(0, 3);
        // Big enough for the dilated kernel in the padded input.
        int h = oneD ? 1 : Math.Max(r.Next(1, 7), dh * (kh - 1) + 1 - 2 * ph);
        int w = Math.Max(r.Next(1, 7), dw * (kw - 1) + 1 - 2 * pw);
        return new Args(r.Next(1, 4), c, h, w, o, groups, kh, kw, sh, sw, ph, pw, dh, dw);
    }

    private static double[] Values(Random r, int n) => [.. Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1)];

    /// <summary>The convolution as its definition: a sum over channels of the group and kernel taps, zero outside the input.</summary>
    private static double[] Reference(Args a, double[] x, double[] w, double[]? b)
    {
        int cg = a.C / a.Groups, og = a.O / a.Groups;
        var y = new double[a.N * a.O * a.OH * a.OW];
        for (int n = 0; n < a.N; n++)
            for (int o = 0; o < a.O; o++)
                for (int i = 0; i < a.OH; i++)
                    for (int j = 0; j < a.OW; j++)
                    {
                        double s = b is null ? 0 : b[o];
                        int grp = o / og;
                        for (int c = 0; c < cg; c++)
                            for (int p = 0; p < a.KH; p++)
                                for (int q = 0; q < a.KW; q++)
                                {
                                    int ih = i * a.SH - a.PH + p * a.DH, iw = j * a.SW - a.PW + q * a.DW;
                                    if (ih < 0 || ih >= a.H || iw < 0 || iw >= a.W) continue;
                                    s += w[((o * cg + c) * a.KH + p) * a.KW + q] * x[((n * a.C + grp * cg + c) * a.H + ih) * a.W + iw];
                                }
                        y[((n * a.O + o) * a.OH + i) * a.OW + j] = s;
                    }
        return y;
    }

    /// <summary>unfold as its definition: row (c·kH + p)·kW + q, column i·W_out + j.</summary>
    private static double[] UnfoldReference(Args a, double[] x)
    {
        int rows = a.C * a.KH * a.KW, l = a.OH * a.OW;
        var y = new double[a.N * rows * l];
        for (int n = 0; n < a.N; n++)
            for (int c = 0; c < a.C; c++)
                for (int p = 0; p < a.KH; p++)
                    for (int q = 0; q < a.KW; q++)
                        for (int i = 0; i < a.OH; i++)
                            for (int j = 0; j < a.OW; j++)
                            {
                                int ih = i * a.SH - a.PH + p * a.DH, iw = j * a.SW - a.PW + q * a.DW;
                                if (ih < 0 || ih >= a.H || iw < 0 || iw >= a.W) continue;
                                y[(n * rows + (c * a.KH + p) * a.KW + q) * l + i * a.OW + j] = x[((n * a.C + c) * a.H + ih) * a.W + iw];
                            }
        return y;
    }

    /// <summary>How many (block, tap) pairs read each input position.</summary>
    private static int[] Overlaps(Args a)
    {
        var count = new int[a.H * a.W];
        for (int p = 0; p < a.KH; p++)
            for (int q = 0; q < a.KW; q++)
                for (int i = 0; i < a.OH; i++)
                    for (int j = 0; j < a.OW; j++)
                    {
                        int ih = i * a.SH - a.PH + p * a.DH, iw = j * a.SW - a.PW + q * a.DW;
                        if (ih >= 0 && ih < a.H && iw >= 0 && iw < a.W) count[ih * a.W + iw]++;
                    }
        return count;
    }

    private static void Close(double[] expected, double[] actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Conv2dMatchesTheDefinitionOverRandomArguments()
    {
        var r = new Random(12);
        for (int trial = 0; trial < 300; trial++)
        {
            var a = Draw(r);
            double[] x = Values(r, a.N * a.C * a.H * a.W), w = Values(r, a.O * (a.C / a.Groups) * a.KH * a.KW), b = Values(r, a.O);
            bool withBias = trial % 2 == 0, unbatched = trial % 5 == 0 && a.N == 1;
            var xt = unbatched ? Tensor.From(DType.Float64, x, a.C, a.H, a.W) : Tensor.From(DType.Float64, x, a.N, a.C, a.H, a.W);
            var y = Tensor.Conv2d(xt, Tensor.From(DType.Float64, w, a.O, a.C / a.Groups, a.KH, a.KW), withBias ? Tensor.From(DType.Float64, b, a.O) : null,
                stride: (a.SH, a.SW), padding: (a.PH, a.PW), dilation: (a.DH, a.DW), groups: a.Groups);
            Assert.Equal(unbatched ? [a.O, a.OH, a.OW] : new[] { a.N, a.O, a.OH, a.OW }, y.Shape.ToArray());
            Close(Reference(a, x, w, withBias ? b : null), y.ToDoubleArray());
        }
    }

    [Fact]
    public void Conv1dMatchesTheDefinitionOverRandomArguments()
    {
        var r = new Random(13);
        for (int trial = 0; trial < 200; trial++)
        {
            var a = Draw(r, oneD: true);
            double[] x = Values(r, a.N * a.C * a.W), w = Values(r, a.O * (a.C / a.Groups) * a.KW), b = Values(r, a.O);
            bool withBias = trial % 2 == 1, unbatched = trial % 4 == 0 && a.N == 1;
            var xt = unbatched ? Tensor.From(DType.Float64, x, a.C, a.W) : Tensor.From(DType.Float64, x, a.N, a.C, a.W);
            var y = Tensor.Conv1d(xt, Tensor.From(DType.Float64, w, a.O, a.C / a.Groups, a.KW), withBias ? Tensor.From(DType.Float64, b, a.O) : null,
                stride: a.SW, padding: a.PW, dilation: a.DW, groups: a.Groups);
            Assert.Equal(unbatched ? [a.O, a.OW] : new[] { a.N, a.O, a.OW }, y.Shape.ToArray());
            Close(Reference(a, x, w, withBias ? b : null), y.ToDoubleArray());
        }
    }

    [Fact]
    public void UnfoldMatchesTheDefinitionAndFoldUndoesItUpToTheOverlapCount()
    {
        var r = new Random(14);
        for (int trial = 0; trial < 200; trial++)
        {
            var a = Draw(r) with { Groups = 1 };
            var x = Values(r, a.N * a.C * a.H * a.W);
            var xt = Tensor.From(DType.Float64, x, a.N, a.C, a.H, a.W);
            var cols = xt.Unfold((a.KH, a.KW), dilation: (a.DH, a.DW), padding: (a.PH, a.PW), stride: (a.SH, a.SW));
            Assert.Equal([a.N, a.C * a.KH * a.KW, a.OH * a.OW], cols.Shape.ToArray());
            Assert.Equal(UnfoldReference(a, x), cols.ToDoubleArray());

            var back = Tensor.Fold(cols, (a.H, a.W), (a.KH, a.KW), dilation: (a.DH, a.DW), padding: (a.PH, a.PW), stride: (a.SH, a.SW)).ToDoubleArray();
            var count = Overlaps(a);
            Close([.. x.Select((v, i) => v * count[i % (a.H * a.W)])], back);
        }
    }

    [Fact]
    public void FoldIsTheAdjointOfUnfold()
    {
        // <unfold(x), y> = <x, fold(y)> for every x and y: fold is unfold's transpose.
        var r = new Random(15);
        for (int trial = 0; trial < 200; trial++)
        {
            var a = Draw(r) with { Groups = 1 };
            var x = Tensor.From(DType.Float64, Values(r, a.N * a.C * a.H * a.W), a.N, a.C, a.H, a.W);
            var y = Tensor.From(DType.Float64, Values(r, a.N * a.C * a.KH * a.KW * a.OH * a.OW), a.N, a.C * a.KH * a.KW, a.OH * a.OW);
            double left = (x.Unfold((a.KH, a.KW), (a.DH, a.DW), (a.PH, a.PW), (a.SH, a.SW)) * y).Sum().Item();
            double right = (x * Tensor.Fold(y, (a.H, a.W), (a.KH, a.KW), (a.DH, a.DW), (a.PH, a.PW), (a.SH, a.SW))).Sum().Item();
            Assert.Equal(left, right, 1e-10);
        }
    }

    [Fact]
    public void Conv2dEqualsUnfoldThenMatmulWithGradients()
    {
        // The same convolution written with unfold and matmul (groups of 1) gives the same gradients.
        var r = new Random(16);
        // Random small cases, then shapes large enough for the GEMM's blocked paths (the weight
        // gradient is then summed transposed, [Kg, Og], which tiles the microkernel better).
        Args[] large = [new(3, 16, 9, 9, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1), new(2, 24, 8, 7, 40, 1, 3, 2, 2, 1, 0, 1, 1, 1)];
        for (int trial = 0; trial < 40 + large.Length; trial++)
        {
            var a = trial < 40 ? Draw(r) with { Groups = 1 } : large[trial - 40];
            var x = Tensor.From(DType.Float64, Values(r, a.N * a.C * a.H * a.W), a.N, a.C, a.H, a.W).RequireGrad();
            var w = Tensor.From(DType.Float64, Values(r, a.O * a.C * a.KH * a.KW), a.O, a.C, a.KH, a.KW).RequireGrad();
            var seed = Tensor.From(DType.Float64, Values(r, a.N * a.O * a.OH * a.OW), a.N, a.O, a.OH, a.OW);
            (Tensor.Conv2d(x, w, null, (a.SH, a.SW), (a.PH, a.PW), (a.DH, a.DW)) * seed).Sum().Backward();
            double[] gx = x.Grad!.ToDoubleArray(), gw = w.Grad!.ToDoubleArray();
            x.ZeroGrad();
            w.ZeroGrad();
            var cols = x.Unfold((a.KH, a.KW), (a.DH, a.DW), (a.PH, a.PW), (a.SH, a.SW));
            var y = Tensor.Matmul(w.Reshape([a.O, -1]), cols).Reshape([a.N, a.O, a.OH, a.OW]);
            (y * seed).Sum().Backward();
            Close(x.Grad!.ToDoubleArray(), gx, 1e-10);
            Close(w.Grad!.ToDoubleArray(), gw, 1e-10);
        }
    }

    [Fact]
    public void Float32AgreesWithFloat64()
    {
        var r = new Random(17);
        foreach (var a in new[]
        {
            new Args(8, 3, 12, 10, 8, 1, 3, 3, 1, 1, 1, 1, 1, 1),
            new Args(6, 4, 9, 9, 6, 2, 3, 2, 2, 1, 0, 1, 1, 2),
            new Args(1, 16, 20, 20, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1),
            new Args(5, 8, 7, 7, 8, 4, 1, 1, 1, 1, 0, 0, 1, 1),
        })
        {
            double[] x = Values(r, a.N * a.C * a.H * a.W), w = Values(r, a.O * (a.C / a.Groups) * a.KH * a.KW), b = Values(r, a.O);
            double[] seed = Values(r, a.N * a.O * a.OH * a.OW);
            var results = new[] { DType.Float32, DType.Float64 }.Select(dt =>
            {
                var xt = Tensor.From(dt, x, a.N, a.C, a.H, a.W).RequireGrad();
                var wt = Tensor.From(dt, w, a.O, a.C / a.Groups, a.KH, a.KW).RequireGrad();
                var bt = Tensor.From(dt, b, a.O).RequireGrad();
                var y = Tensor.Conv2d(xt, wt, bt, (a.SH, a.SW), (a.PH, a.PW), (a.DH, a.DW), a.Groups);
                (y * Tensor.From(dt, seed, y.Shape.ToArray())).Sum().Backward();
                return new[] { y.ToDoubleArray(), xt.Grad!.ToDoubleArray(), wt.Grad!.ToDoubleArray(), bt.Grad!.ToDoubleArray() };
            }).ToArray();
            for (int k = 0; k < 4; k++) Close(results[1][k], results[0][k], 1e-4);
            Close(Reference(a, x, w, b), results[1][0]);
        }
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        // Samples run in parallel and the weight gradient sums a fixed partition of the batch, so one
        // thread and several give the same bits.
        var r = new Random(18);
        var a = new Args(24, 8, 14, 14, 16, 2, 3, 3, 1, 1, 1, 1, 1, 1);
        double[] x = Values(r, a.N * a.C * a.H * a.W), w = Values(r, a.O * (a.C / a.Groups) * a.KH * a.KW);
        float[][] Run()
        {
            var xt = Tensor.From(DType.Float32, x, a.N, a.C, a.H, a.W).RequireGrad();
            var wt = Tensor.From(DType.Float32, w, a.O, a.C / a.Groups, a.KH, a.KW).RequireGrad();
            var y = Tensor.Conv2d(xt, wt, null, 1, 1, 1, a.Groups);
            (y * y).Sum().Backward();
            return [y.ToFloatArray(), xt.Grad!.ToFloatArray(), wt.Grad!.ToFloatArray()];
        }
        int saved = Threading.Threads;
        try
        {
            Threading.Threads = 1;
            var one = Run();
            Threading.Threads = Math.Max(2, Environment.ProcessorCount);
            var many = Run();
            for (int k = 0; k < 3; k++) Assert.Equal(one[k], many[k]);
        }
        finally { Threading.Threads = saved; }
    }

    [Fact]
    public void AForcedGemmKernelHoldsOnEveryThreadOfAConvolution()
    {
        // Samples run on pool workers; a kernel forced on the calling thread (scalar here) must reach
        // their GEMMs too, so one thread and several agree bit for bit under it.
        var r = new Random(19);
        var a = new Args(12, 16, 10, 10, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1);
        double[] x = Values(r, a.N * a.C * a.H * a.W), w = Values(r, a.O * a.C * a.KH * a.KW);
        float[][] Run()
        {
            var xt = Tensor.From(DType.Float32, x, a.N, a.C, a.H, a.W).RequireGrad();
            var wt = Tensor.From(DType.Float32, w, a.O, a.C, a.KH, a.KW).RequireGrad();
            var y = Tensor.Conv2d(xt, wt, null, 1, 1);
            (y * y).Sum().Backward();
            return [y.ToFloatArray(), xt.Grad!.ToFloatArray(), wt.Grad!.ToFloatArray()];
        }
        int saved = Threading.Threads;
        try
        {
            GemmDriver.LevelOverride = SimdLevel.Scalar;
            Threading.Threads = 1;
            var one = Run();
            Threading.Threads = Math.Max(2, Environment.ProcessorCount);
            var many = Run();
            for (int k = 0; k < 3; k++) Assert.Equal(one[k], many[k]);
        }
        finally
        {
            GemmDriver.LevelOverride = null;
            Threading.Threads = saved;
        }
    }

    [Fact]
    public void SecondDerivativesAreRecordedOps()
    {
        // d/dw of the sum of squares of dL/dx: the backward of conv2d_input_grad runs conv2d and conv2d_weight_grad.
        var x = Tensor.Normal(new Generator(3), 0, 1, DType.Float64, 2, 2, 5, 5).RequireGrad();
        var w = Tensor.Normal(new Generator(4), 0, 1, DType.Float64, 3, 2, 3, 3).RequireGrad();
        var gx = AutoGrad.Autograd.Derivatives.Grad(t => Tensor.Conv2d(t, w, padding: 1).Square().Sum(), x, createGraph: true);
        var names = new HashSet<string>();
        var stack = new Stack<Tensor>([gx]);
        while (stack.Count > 0)
            if (stack.Pop().GradFn is { } node && names.Add(node.Name))
                foreach (var i in node.Inputs) stack.Push(i);
        Assert.Contains("conv2d_input_grad", names);
        Assert.Contains("conv2d", names);
    }

    [Fact]
    public void AnEmptyBatchGivesAnEmptyOutputAndZeroWeightGradient()
    {
        var x = Tensor.Zeros(DType.Float64, 0, 2, 5, 5).RequireGrad();
        var w = Tensor.Ones(DType.Float64, 3, 2, 3, 3).RequireGrad();
        var b = Tensor.Ones(DType.Float64, 3).RequireGrad();
        var y = Tensor.Conv2d(x, w, b, padding: 1);
        Assert.Equal([0, 3, 5, 5], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.All(w.Grad!.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(b.Grad!.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.Equal([0, 2, 5, 5], x.Grad!.Shape.ToArray());
    }

    // ---- Errors

    private static readonly Tensor X4 = Tensor.Zeros(2, 4, 5, 5), W4 = Tensor.Zeros(6, 4, 3, 3);

    private static void Fails(string expected, Action op)
    {
        var e = Assert.Throws<ShapeException>(op);
        Assert.Equal(expected, e.Message);
    }

    private static void OutOfRange(string expected, Action op) => Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(op).Message);

    [Fact]
    public void WrongRanksNameTheArgumentAndTheForms()
    {
        Fails("conv2d: input has shape [4, 5]: rank 2 vs 4; it must have rank 4 ([N, C, H, W]) or 3 ([C, H, W], unbatched)", () => Tensor.Conv2d(Tensor.Zeros(4, 5), W4));
        Fails("conv2d: weight has shape [6, 4, 3]: rank 3 vs 4; it must have rank 4 ([out_channels, in_channels / groups, kH, kW])", () => Tensor.Conv2d(X4, Tensor.Zeros(6, 4, 3)));
        Fails("conv1d: input has shape [2, 4, 5, 5]: rank 4 vs 3; it must have rank 3 ([N, C, L]) or 2 ([C, L], unbatched)", () => Tensor.Conv1d(X4, Tensor.Zeros(6, 4, 3)));
        Fails("conv1d: weight has shape [6, 4, 3, 3]: rank 4 vs 3; it must have rank 3 ([out_channels, in_channels / groups, kW])", () => Tensor.Conv1d(Tensor.Zeros(2, 4, 5), W4));
        Fails("unfold: input has shape [4, 5, 5]: rank 3 vs 4; it must have rank 4 ([N, C, H, W])", () => Tensor.Zeros(4, 5, 5).Unfold(2));
        Fails("fold: input has shape [4, 5]: rank 2 vs 3; it must have rank 3 ([N, C·kH·kW, L])", () => Tensor.Fold(Tensor.Zeros(4, 5), 3, 2));
    }

    [Fact]
    public void ChannelMismatchesNameBothShapesAndGroups()
    {
        Fails("conv2d: input [2, 4, 5, 5] and weight [6, 3, 3, 3] with groups 1 do not fit at dimension 1 of input and 1 of weight: 4 vs 3; weight's dimension 1 must be in_channels / groups = 4 / 1",
            () => Tensor.Conv2d(X4, Tensor.Zeros(6, 3, 3, 3)));
        Fails("conv2d: input [2, 4, 5, 5] and weight [6, 4, 3, 3] with groups 2 do not fit at dimension 1 of input and 1 of weight: 2 vs 4; weight's dimension 1 must be in_channels / groups = 4 / 2",
            () => Tensor.Conv2d(X4, W4, groups: 2));
        Fails("conv1d: input [4, 5] and weight [2, 3, 1] with groups 1 do not fit at dimension 0 of input and 1 of weight: 4 vs 3; weight's dimension 1 must be in_channels / groups = 4 / 1",
            () => Tensor.Conv1d(Tensor.Zeros(4, 5), Tensor.Zeros(2, 3, 1)));
        Fails("conv2d: bias has shape [5], which does not fit weight [6, 4, 3, 3] at dimension 0 of bias and 0 of weight: 5 vs 6; bias must have shape [6]",
            () => Tensor.Conv2d(X4, W4, Tensor.Zeros(5)));
        Fails("conv2d: bias has shape [6, 1], which does not fit weight [6, 4, 3, 3]: rank 2 vs 1; bias must have shape [6]",
            () => Tensor.Conv2d(X4, W4, Tensor.Zeros(6, 1)));
    }

    [Fact]
    public void ChannelsNotDivisibleByGroupsAreRefused()
    {
        Fails("conv2d: input [2, 4, 5, 5] has 4 in_channels at dimension 1, which groups 3 does not divide; in_channels must be divisible by groups",
            () => Tensor.Conv2d(X4, Tensor.Zeros(6, 1, 3, 3), groups: 3));
        Fails("conv2d: weight [5, 2, 3, 3] has 5 out_channels at dimension 0, which groups 2 does not divide; out_channels must be divisible by groups",
            () => Tensor.Conv2d(X4, Tensor.Zeros(5, 2, 3, 3), groups: 2));
        Fails("conv1d: input [1, 3, 5] has 3 in_channels at dimension 1, which groups 2 does not divide; in_channels must be divisible by groups",
            () => Tensor.Conv1d(Tensor.Zeros(1, 3, 5), Tensor.Zeros(2, 1, 3), groups: 2));
        OutOfRange("conv2d: groups must be > 0, got 0 (input [2, 4, 5, 5], weight [6, 4, 3, 3])", () => Tensor.Conv2d(X4, W4, groups: 0));
    }

    [Fact]
    public void AKernelLargerThanThePaddedInputIsRefused()
    {
        const string rule = "the dilated kernel, dilation·(kernel − 1) + 1, must fit in the padded input";
        Fails($"conv2d: input [2, 4, 5, 5] padded is 5 wide at dimension 2 but weight [6, 4, 7, 3] with dilation 1 spans 7: 7 vs 5; {rule}",
            () => Tensor.Conv2d(X4, Tensor.Zeros(6, 4, 7, 3)));
        Fails($"conv2d: input [2, 4, 5, 5] padded is 7 wide at dimension 3 but weight [6, 4, 3, 3] with dilation (1, 4) spans 9: 9 vs 7; {rule}",
            () => Tensor.Conv2d(X4, W4, padding: 1, dilation: (1, 4)));
        Fails($"conv1d: input [1, 2, 4] padded is 4 wide at dimension 2 but weight [1, 2, 5] with dilation 1 spans 5: 5 vs 4; {rule}",
            () => Tensor.Conv1d(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 5)));
        Fails($"unfold: input [2, 4, 5, 5] padded is 5 wide at dimension 2 but kernel_size (6, 2) with dilation 1 spans 6: 6 vs 5; {rule}",
            () => X4.Unfold((6, 2)));
        Fails($"fold: output_size [1, 1, 2, 2] padded is 2 wide at dimension 2 but kernel_size 3 with dilation 1 spans 3: 3 vs 2; {rule}",
            () => Tensor.Fold(Tensor.Zeros(1, 9, 1), 2, 3));
    }

    [Fact]
    public void StrideDilationAndPaddingOutOfRangeNameTheArgument()
    {
        OutOfRange("conv2d: stride must be > 0, got 0 (input [2, 4, 5, 5])", () => Tensor.Conv2d(X4, W4, stride: 0));
        OutOfRange("conv2d: stride must be > 0, got (1, -1) (input [2, 4, 5, 5])", () => Tensor.Conv2d(X4, W4, stride: (1, -1)));
        OutOfRange("conv2d: dilation must be > 0, got (0, 1) (input [2, 4, 5, 5])", () => Tensor.Conv2d(X4, W4, dilation: (0, 1)));
        OutOfRange("conv2d: padding must be >= 0, got -1 (input [2, 4, 5, 5])", () => Tensor.Conv2d(X4, W4, padding: -1));
        OutOfRange("conv1d: stride must be > 0, got 0 (input [1, 2, 4])", () => Tensor.Conv1d(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 2), stride: 0));
        OutOfRange("conv1d: dilation must be > 0, got -2 (input [1, 2, 4])", () => Tensor.Conv1d(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 2), dilation: -2));
        OutOfRange("conv1d: padding must be >= 0, got -1 (input [1, 2, 4])", () => Tensor.Conv1d(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 2), padding: -1));
        OutOfRange("unfold: kernel_size must be > 0, got (0, 2) (input [2, 4, 5, 5])", () => X4.Unfold((0, 2)));
        OutOfRange("unfold: stride must be > 0, got 0 (input [2, 4, 5, 5])", () => X4.Unfold(2, stride: 0));
        OutOfRange("fold: output_size must be > 0, got (3, 0) (input [1, 4, 4])", () => Tensor.Fold(Tensor.Zeros(1, 4, 4), (3, 0), 2));
        OutOfRange("fold: padding must be >= 0, got -1 (input [1, 4, 4])", () => Tensor.Fold(Tensor.Zeros(1, 4, 4), 3, 2, padding: -1));
    }

    [Fact]
    public void FoldChecksItsBlocks()
    {
        Fails("fold: input [1, 5, 4] has 5 rows at dimension 1, which kernel_size 2 (4 positions) does not divide; dimension 1 must be channels·kH·kW",
            () => Tensor.Fold(Tensor.Zeros(1, 5, 4), 3, 2));
        Fails("fold: input [1, 4, 5] has 5 blocks at dimension 2 but output_size 3, kernel_size 2, dilation 1, padding 0 and stride 1 give 4 (2 × 2): 5 vs 4; dimension 2 must be the number of sliding positions",
            () => Tensor.Fold(Tensor.Zeros(1, 4, 5), 3, 2));
    }

    [Fact]
    public void DtypeMixIsRefusedAndAFailedOpRecordsNothing()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Conv2d(X4, W4.To(DType.Float64)));
        var x = Tensor.Zeros(2, 4, 5, 5).RequireGrad();
        Assert.Throws<ShapeException>(() => Tensor.Conv2d(x, Tensor.Zeros(6, 3, 3, 3)));
        Assert.Null(x.Grad);
        Assert.Null(x.GradFn);
    }
}
