using AutoGrad.Autograd;

namespace AutoGrad.Tests.Autograd;

public class TapeTests
{
    private static Tensor Leaf(params double[] v) => Tensor.From(DType.Float64, v).RequireGrad();

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Leaf(1, 2, 3);
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal([4.0, 8.0, 12.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ZeroGradClearsInPlace()
    {
        var x = Leaf(1, 2);
        (x * 3).Sum().Backward();
        var buffer = x.Grad;
        x.ZeroGrad();
        Assert.Same(buffer, x.Grad);
        Assert.Equal([0.0, 0.0], x.Grad!.ToDoubleArray());
        (x * 3).Sum().Backward();
        Assert.Equal([3.0, 3.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NoGradRecordsNothingAndRestoresOnDispose()
    {
        var x = Leaf(1, 2);
        Tensor y;
        using (Tape.NoGrad())
        {
            Assert.False(Tape.IsRecording);
            y = x * 2;
            using (Tape.EnableGrad()) Assert.True(Tape.IsRecording);
            Assert.False(Tape.IsRecording);
        }
        Assert.True(Tape.IsRecording);
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        Assert.NotNull((x * 2).GradFn);
    }

    [Fact]
    public void DetachCutsTheGraphButSharesValues()
    {
        var x = Leaf(2);
        var d = (x * 3).Detach();
        Assert.True(d.IsLeaf);
        Assert.False(d.RequiresGrad);
        var y = (x * d).Sum();
        y.Backward();
        Assert.Equal(6.0, x.Grad!.Item());
    }

    [Fact]
    public void SecondBackwardThroughFreedGraphThrowsClearError()
    {
        var x = Leaf(1, 2);
        var y = (x.Exp() * x).Sum();
        y.Backward();
        var e = Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Contains("already freed", e.Message);
        Assert.Contains("retainGraph", e.Message);
    }

    [Fact]
    public void RetainGraphAllowsSecondBackward()
    {
        var x = Leaf(1, 2);
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal([4.0, 8.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NonScalarBackwardWithoutSeedNamesShape()
    {
        var x = Leaf(1, 2, 3);
        var e = Assert.Throws<AutogradException>(() => (x * 2).Backward());
        Assert.Contains("[3]", e.Message);
        Assert.Contains("seed", e.Message);
    }

    [Fact]
    public void SeedGradientIsUsedAndValidated()
    {
        var x = Leaf(1, 2, 3);
        var y = x * x;
        y.Backward(Tensor.From(DType.Float64, [1, 0, 2]), retainGraph: true);
        Assert.Equal([2.0, 0.0, 12.0], x.Grad!.ToDoubleArray());
        Assert.Throws<ShapeException>(() => y.Backward(Tensor.Zeros(DType.Float64, 2)));
        Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Zeros(DType.Float32, 3)));
    }

    [Fact]
    public void BackwardOnTensorWithoutGraphExplains()
    {
        var e = Assert.Throws<AutogradException>(() => Tensor.Ones(1).Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void ChainOfHundredThousandOpsBackpropagatesWithoutStackOverflow()
    {
        var x = Tensor.Scalar(1.0, DType.Float64).RequireGrad();
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y * 1.00001 + 0.0;
        y.Backward();
        Assert.Equal(Math.Pow(1.00001, 100_000), x.Grad!.Item(), 1e-9);
    }

    [Fact]
    public void InPlaceChangeOfSavedTensorIsDetected()
    {
        var x = Leaf(1, 2);
        var w = Tensor.From(DType.Float64, [3, 4]);
        var y = (x * w).Sum();
        w.Fill(0);
        var e = Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Contains("modified in place", e.Message);
        Assert.Contains("mul", e.Message);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void InPlaceChangeOfLeafThatRequiresGradIsRefusedWhileRecording()
    {
        var x = Leaf(1, 2);
        Assert.Throws<InvalidOperationException>(() => x.Fill(0));
        using (Tape.NoGrad()) x.Fill(0);
        Assert.Equal([0.0, 0.0], x.ToDoubleArray());
    }

    [Fact]
    public void FailedBackwardLeavesGradientsUntouched()
    {
        var x = Leaf(1, 2);
        (x * 2).Sum().Backward();
        var w = Tensor.From(DType.Float64, [3, 4]);
        var y = (x * w).Sum() + (x * 5).Sum();
        w.Fill(1);
        Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Equal([2.0, 2.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void RecordingIsPerThread()
    {
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(k => new Thread(() =>
        {
            for (int it = 0; it < 200; it++)
            {
                var x = Tensor.Scalar(k + 1.0, DType.Float64).RequireGrad();
                using (k % 2 == 0 ? Tape.NoGrad() : null)
                {
                    var y = x * x * x;
                    if (k % 2 == 0 && y.GradFn is not null) errors.Add("recorded under NoGrad");
                    if (k % 2 == 1)
                    {
                        y.Backward();
                        if (Math.Abs(x.Grad!.Item() - 3 * (k + 1.0) * (k + 1.0)) > 1e-12) errors.Add($"thread {k}: wrong grad {x.Grad.Item()}");
                    }
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task NoGradScopeFlowsAcrossAwait()
    {
        var x = Leaf(1);
        using (Tape.NoGrad())
        {
            await Task.Yield();
            await Task.Delay(1);
            Assert.False(Tape.IsRecording);
            Assert.Null((x * 2).GradFn);
        }
        Assert.True(Tape.IsRecording);
        var y = x * 2;
        await Task.Delay(1);
        (y * 3).Sum().Backward();
        Assert.Equal(6.0, x.Grad!.Item());
    }

    [Fact]
    public async Task ConcurrentTasksDoNotSeeEachOthersNoGrad()
    {
        var gate = new TaskCompletionSource();
        var a = Task.Run(async () =>
        {
            using (Tape.NoGrad())
            {
                await gate.Task;
                return Tape.IsRecording;
            }
        });
        var b = Task.Run(async () =>
        {
            await Task.Delay(10);
            bool r = Tape.IsRecording;
            gate.SetResult();
            return r;
        });
        Assert.False(await a);
        Assert.True(await b);
    }

    [Fact]
    public void BackwardIsLinearInTheSeed()
    {
        var rng = new Generator(3);
        var x = Tensor.Normal(rng, 0, 1, DType.Float64, 3, 4).RequireGrad();
        Tensor F() => (x.Tanh() * x).Matmul(Tensor.Normal(new Generator(9), 0, 1, DType.Float64, 4, 2));
        var u = Tensor.Normal(rng, 0, 1, DType.Float64, 3, 2);
        var v = Tensor.Normal(rng, 0, 1, DType.Float64, 3, 2);
        F().Backward(u);
        var gu = x.Grad!.ToDoubleArray();
        x.Grad = null;
        F().Backward(v);
        var gv = x.Grad!.ToDoubleArray();
        x.Grad = null;
        F().Backward(u * 2 + v * -3);
        var g = x.Grad!.ToDoubleArray();
        for (int i = 0; i < g.Length; i++) Assert.Equal(2 * gu[i] - 3 * gv[i], g[i], 1e-12);
    }

    [Fact]
    public void CreateGraphGivesSecondDerivatives()
    {
        var x = Leaf(0.5, -1.5, 2);
        var y = (x.Pow(3) + x.Tanh()).Sum();
        y.Backward(createGraph: true);
        var g = x.Grad!;
        Assert.NotNull(g.GradFn);
        var firstDerivative = g.Detach().ToDoubleArray();
        x.Grad = null;
        g.Sum().Backward();
        var second = x.Grad!.ToDoubleArray();
        double[] xs = [0.5, -1.5, 2];
        for (int i = 0; i < 3; i++)
        {
            double t = Math.Tanh(xs[i]);
            Assert.Equal(3 * xs[i] * xs[i] + (1 - t * t), firstDerivative[i], 1e-12);
            Assert.Equal(6 * xs[i] - 2 * t * (1 - t * t), second[i], 1e-10);
        }
    }

    [Fact]
    public void GradientFlowsThroughSharedSubexpressionsOnce()
    {
        var x = Leaf(3);
        var a = x * 2;
        var y = (a * a + a).Sum();
        y.Backward();
        Assert.Equal(2 * (2 * 6.0) + 2, x.Grad!.Item());
    }

    /// <summary>
    /// Many slices of one tensor (the tape adds each slice's gradient into the region of the
    /// gradient so far, in place): the same gradient as the padded sum, whether the first
    /// contribution is a slice's or another op's, and with create-graph (which takes the padded path).
    /// </summary>
    [Fact]
    public void ManySlicesOfOneTensorSumTheirGradients()
    {
        var x = Tensor.From(DType.Float64, [.. Enumerable.Range(0, 24).Select(i => 0.1 * i - 1)], 2, 3, 4);
        x.RequiresGrad = true;
        Tensor F(Tensor t)
        {
            var y = t * 1.5; // a non-leaf, so its gradient is pending between contributions
            var total = (y * y).Sum();
            for (int s = 0; s < 3; s++) total += (y.Select(1, s) * (s + 1)).Sum() + y.Slice(2, s, 2).Square().Sum();
            return total;
        }
        F(x).Backward();
        var fast = x.Grad!.ToDoubleArray();
        var v = x.Detach().ToDoubleArray();
        var expected = new double[24];
        for (int i = 0; i < 24; i++)
        {
            int s = i / 4 % 3, k = i % 4;
            double y = 1.5 * v[i], g = 2 * y + (s + 1);
            for (int j = 0; j < 3; j++) if (k >= j && k < j + 2) g += 2 * y;
            expected[i] = 1.5 * g;
        }
        for (int i = 0; i < 24; i++) Assert.Equal(expected[i], fast[i], 12);
        x.Grad = null;
        var viaGraph = AutoGrad.Autograd.Derivatives.Grad(F, x, createGraph: true);
        for (int i = 0; i < 24; i++) Assert.Equal(expected[i], viaGraph.ToDoubleArray()[i], 12);
    }
}
