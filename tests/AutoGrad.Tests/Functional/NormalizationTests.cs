namespace AutoGrad.Tests.Functional;

/// <summary>
/// Batch and layer normalization against direct per-channel and per-row computations (the op
/// table checks their gradients): training on batch statistics, evaluation on running ones, the
/// running update after several steps by hand (unbiased variance, as PyTorch), accuracy when the
/// mean dwarfs the spread, and the errors.
/// </summary>
public class NormalizationTests
{
    private static double[] Data(int n, int seed) => Tensor.Normal(new Generator((ulong)seed), 0.5, 2, DType.Float64, n).ToDoubleArray();

    /// <summary>Per channel of [N, C, S...] (S = the product of the trailing sizes): mean, biased and unbiased variance.</summary>
    private static (double Mean, double Biased, double Unbiased)[] Stats(double[] x, int n, int c, int s)
    {
        var r = new (double, double, double)[c];
        for (int ch = 0; ch < c; ch++)
        {
            var v = new List<double>();
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) v.Add(x[(i * c + ch) * s + j]);
            double m = v.Average(), ss = v.Sum(e => (e - m) * (e - m));
            r[ch] = (m, ss / v.Count, ss / (v.Count - 1));
        }
        return r;
    }

    private static void Close(double expected, double actual, double tol = 1e-10) =>
        Assert.True(Math.Abs(expected - actual) <= tol * (1 + Math.Abs(expected)), $"{actual} vs {expected}");

    [Theory]
    [InlineData(new[] { 5, 3 }, false)]
    [InlineData(new[] { 4, 3, 6 }, true)]
    [InlineData(new[] { 3, 2, 4, 5 }, true)]
    [InlineData(new[] { 2, 4, 1, 3 }, false)]
    public void TrainingNormalizesEachChannelWithItsBatchStatistics(int[] shape, bool affine)
    {
        int n = shape[0], c = shape[1], s = Shapes.Numel(shape) / (n * c);
        var data = Data(Shapes.Numel(shape), 1);
        var gamma = Enumerable.Range(0, c).Select(i => 0.5 + i).ToArray();
        var beta = Enumerable.Range(0, c).Select(i => -1.0 + 0.25 * i).ToArray();
        var x = Tensor.From(DType.Float64, data, shape);
        var y = Tensor.BatchNorm(x, null, null, affine ? Tensor.From(DType.Float64, gamma, c) : null, affine ? Tensor.From(DType.Float64, beta, c) : null,
            training: true, eps: 1e-5).ToDoubleArray();
        var stats = Stats(data, n, c, s);
        for (int i = 0; i < data.Length; i++)
        {
            int ch = i / s % c;
            double e = (data[i] - stats[ch].Mean) / Math.Sqrt(stats[ch].Biased + 1e-5);
            Close(affine ? e * gamma[ch] + beta[ch] : e, y[i]);
        }
    }

    [Fact]
    public void EvaluationUsesTheRunningStatistics()
    {
        var data = Data(2 * 3 * 4, 2);
        var rm = new[] { 0.5, -1, 2 };
        var rv = new[] { 4.0, 0.25, 1 };
        var x = Tensor.From(DType.Float64, data, 2, 3, 4);
        var w = Tensor.From(DType.Float64, [2, 1, -1], 3);
        var b = Tensor.From(DType.Float64, [0, 1, 0.5], 3);
        var runningMean = Tensor.From(DType.Float64, rm, 3);
        var runningVar = Tensor.From(DType.Float64, rv, 3);
        var y = Tensor.BatchNorm(x, runningMean, runningVar, w, b, training: false, eps: 1e-3).ToDoubleArray();
        for (int i = 0; i < data.Length; i++)
        {
            int ch = i / 4 % 3;
            Close((data[i] - rm[ch]) / Math.Sqrt(rv[ch] + 1e-3) * w.ToDoubleArray()[ch] + b.ToDoubleArray()[ch], y[i]);
        }
        // Evaluation leaves the running statistics alone.
        Assert.Equal(rm, runningMean.ToDoubleArray());
        Assert.Equal(rv, runningVar.ToDoubleArray());
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void TheRunningStatisticsFollowTheHandComputationOverSteps(double momentum)
    {
        const int n = 4, c = 3, s = 5, steps = 4;
        var runningMean = Tensor.Zeros(DType.Float64, c);
        var runningVar = Tensor.Ones(DType.Float64, c);
        var mean = new double[c];
        var variance = Enumerable.Repeat(1.0, c).ToArray();
        for (int k = 0; k < steps; k++)
        {
            var data = Data(n * c * s, 10 + k);
            Tensor.BatchNorm(Tensor.From(DType.Float64, data, n, c, s), runningMean, runningVar, training: true, momentum: momentum);
            var stats = Stats(data, n, c, s);
            for (int ch = 0; ch < c; ch++)
            {
                mean[ch] = (1 - momentum) * mean[ch] + momentum * stats[ch].Mean;
                variance[ch] = (1 - momentum) * variance[ch] + momentum * stats[ch].Unbiased;
            }
        }
        for (int ch = 0; ch < c; ch++)
        {
            Close(mean[ch], runningMean.ToDoubleArray()[ch], 1e-12);
            Close(variance[ch], runningVar.ToDoubleArray()[ch], 1e-12);
        }
    }

    [Fact]
    public void TheUpdateIsOutsideTheTapeAndBumpsTheVersions()
    {
        var x = Tensor.From(DType.Float32, Data(12, 3), 4, 3).RequireGrad();
        var rm = Tensor.Zeros(3);
        var rv = Tensor.Ones(3);
        var y = Tensor.BatchNorm(x, rm, rv, training: true);
        Assert.False(rm.RequiresGrad);
        Assert.Null(rm.GradFn);
        Assert.NotEqual(0f, rm.ToFloatArray()[0]);
        y.Sum().Backward();
        // Σ of a normalized channel does not depend on x: its gradient is zero.
        Assert.All(x.Grad!.ToFloatArray(), g => Assert.True(Math.Abs(g) < 1e-5));
    }

    [Fact]
    public void ALargeMeanDoesNotSpoilTheVarianceInFloat32()
    {
        // Values 1e4 ± 1: a one-pass E[x²] − E[x]² would lose every digit of the variance in float32.
        var data = Data(64 * 2, 4).Select(v => 1e4 + v).ToArray();
        var x = Tensor.From(DType.Float32, data, 64, 2);
        var y = Tensor.BatchNorm(x, null, null, training: true).ToDoubleArray();
        for (int ch = 0; ch < 2; ch++)
        {
            var col = Enumerable.Range(0, 64).Select(i => y[i * 2 + ch]).ToArray();
            double m = col.Average(), v = col.Select(e => (e - m) * (e - m)).Average();
            Assert.True(Math.Abs(m) < 1e-3, $"mean {m}");
            Assert.True(Math.Abs(v - 1) < 2e-3, $"variance {v}");
        }
        var ln = Tensor.From(DType.Float32, data, 2, 64).LayerNorm([64]).ToDoubleArray();
        var row = ln[..64];
        Assert.True(Math.Abs(row.Average()) < 1e-3);
        Assert.True(Math.Abs(row.Select(e => e * e).Average() - 1) < 2e-3);
    }

    [Theory]
    [InlineData(new[] { 6 }, 1)]
    [InlineData(new[] { 2, 5 }, 1)]
    [InlineData(new[] { 3, 2, 4 }, 1)]
    [InlineData(new[] { 3, 2, 4 }, 2)]
    [InlineData(new[] { 2, 3, 1, 4 }, 2)]
    public void LayerNormNormalizesEachRowOverTheTrailingDimensions(int[] shape, int k)
    {
        var norm = shape[^k..];
        int m = Shapes.Numel(norm), rows = Shapes.Numel(shape) / m;
        var data = Data(Shapes.Numel(shape), 5);
        var gamma = Enumerable.Range(0, m).Select(i => 1 + 0.1 * i).ToArray();
        var beta = Enumerable.Range(0, m).Select(i => 0.2 * i - 0.3).ToArray();
        var x = Tensor.From(DType.Float64, data, shape);
        foreach (bool affine in new[] { false, true })
        {
            var y = x.LayerNorm(norm, affine ? Tensor.From(DType.Float64, gamma, norm) : null, affine ? Tensor.From(DType.Float64, beta, norm) : null, eps: 1e-5).ToDoubleArray();
            for (int r = 0; r < rows; r++)
            {
                var v = data.Skip(r * m).Take(m).ToArray();
                double mean = v.Average(), var = v.Select(e => (e - mean) * (e - mean)).Average();
                for (int j = 0; j < m; j++)
                {
                    double e = (v[j] - mean) / Math.Sqrt(var + 1e-5);
                    Close(affine ? e * gamma[j] + beta[j] : e, y[r * m + j]);
                }
            }
        }
    }

    // ---- Errors

    private static void Fails(string expected, Action op) => Assert.Equal(expected, Assert.Throws<ShapeException>(op).Message);

    private static string Refused(Action op) => Assert.Throws<ArgumentException>(op).Message;

    [Fact]
    public void BatchNormRefusesBadShapesAndArguments()
    {
        var x = Tensor.Zeros(4, 3, 2);
        Fails("batch_norm: shape [3] has rank 1; batch_norm of [N, C, ...] needs rank >= 2", () => Tensor.BatchNorm(Tensor.Zeros(3), null, null, training: true));
        Fails("batch_norm: runningMean has shape [4], which does not fit input [4, 3, 2] with 3 channels at dimension 0 of runningMean and 1 of the input: 4 vs 3; runningMean must have shape [3]",
            () => Tensor.BatchNorm(x, Tensor.Zeros(4), Tensor.Ones(3), training: true));
        Fails("batch_norm: runningVar has shape [3, 1], which does not fit input [4, 3, 2] with 3 channels: rank 2 vs 1; runningVar must have shape [3]",
            () => Tensor.BatchNorm(x, Tensor.Zeros(3), Tensor.Ones(3, 1)));
        Fails("batch_norm: weight has shape [2], which does not fit input [4, 3, 2] with 3 channels at dimension 0 of weight and 1 of the input: 2 vs 3; weight must have shape [3]",
            () => Tensor.BatchNorm(x, null, null, Tensor.Ones(2), training: true));
        Fails("batch_norm: input [1, 3] has 1 value per channel (dimension 1); training needs more than 1 value per channel to estimate a variance",
            () => Tensor.BatchNorm(Tensor.Zeros(1, 3), null, null, training: true));

        Assert.StartsWith("batch_norm: evaluation (training: false) normalizes with runningMean and runningVar, but both are null",
            Refused(() => Tensor.BatchNorm(x, null, null)));
        Assert.StartsWith("batch_norm: runningMean and runningVar must be given together (got only runningMean)",
            Refused(() => Tensor.BatchNorm(x, Tensor.Zeros(3), null, training: true)));
        Assert.StartsWith("batch_norm: runningVar [3] requires grad, but training updates it in place outside the tape",
            Refused(() => Tensor.BatchNorm(x, Tensor.Zeros(3), Tensor.Ones(3).RequireGrad(), training: true)));
        Assert.StartsWith("batch_norm: dtype mismatch: float32 [4, 3, 2] and float64 [3]",
            Refused(() => Tensor.BatchNorm(x, null, null, Tensor.Ones(DType.Float64, 3), training: true)));
        Assert.StartsWith("batch_norm: momentum must be in [0, 1], got 1.5",
            Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.BatchNorm(x, null, null, training: true, momentum: 1.5)).Message);
        Assert.StartsWith("batch_norm: eps must be a finite number ≥ 0, got -1",
            Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.BatchNorm(x, null, null, training: true, eps: -1)).Message);
    }

    [Fact]
    public void ARefusedBatchNormLeavesTheRunningStatisticsAlone()
    {
        var rm = Tensor.Zeros(3);
        var rv = Tensor.Ones(3);
        Assert.Throws<ShapeException>(() => Tensor.BatchNorm(Tensor.Ones(4, 3), rm, rv, Tensor.Ones(2), training: true));
        Assert.Equal([0f, 0, 0], rm.ToFloatArray());
        Assert.Equal([1f, 1, 1], rv.ToFloatArray());
    }

    [Fact]
    public void LayerNormRefusesAShapeThatDoesNotEndTheInput()
    {
        var x = Tensor.Zeros(2, 3, 4);
        Fails("layer_norm: input [2, 3, 4] does not fit normalizedShape [3] at dimension 2 of the input and 0 of normalizedShape: 4 vs 3; the input's last 1 dimension must equal normalizedShape",
            () => x.LayerNorm([3]));
        Fails("layer_norm: input [2, 3, 4] does not fit normalizedShape [2, 4] at dimension 1 of the input and 0 of normalizedShape: 3 vs 2; the input's last 2 dimensions must equal normalizedShape",
            () => x.LayerNorm([2, 4]));
        Fails("layer_norm: input [4] does not fit normalizedShape [3, 4]: rank 1 vs 2; the input's last 2 dimensions must equal normalizedShape",
            () => Tensor.Zeros(4).LayerNorm([3, 4]));
        Fails("layer_norm: weight has shape [3], which does not fit normalizedShape [4] at dimension 0: 3 vs 4; weight must have shape [4]",
            () => x.LayerNorm([4], Tensor.Ones(3)));
        Fails("layer_norm: bias has shape [4], which does not fit normalizedShape [3, 4]: rank 1 vs 2; bias must have shape [3, 4]",
            () => x.LayerNorm([3, 4], null, Tensor.Zeros(4)));
        Assert.StartsWith("layer_norm: normalizedShape is empty", Refused(() => x.LayerNorm([])));
    }
}
