using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Tests.Memory;

namespace AutoGrad.Tests.NN;

/// <summary>
/// BatchNorm1d and BatchNorm2d as PyTorch's: parameters γ = 1 and β = 0, running statistics as
/// buffers (not parameters), training on batch statistics with the running update, evaluation on
/// the running statistics, the options, the errors, and a small pooling network trained eagerly,
/// in a step scope and through a captured plan, bit for bit the same.
/// </summary>
public class BatchNormTests
{
    private static Tensor Batch(ulong seed, params int[] shape) => Tensor.Normal(new Generator(seed), 1, 3, DType.Float32, shape);

    [Fact]
    public void ParametersAndBuffersFollowPyTorch()
    {
        var bn = new BatchNorm2d(3);
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Name));
        Assert.Equal(["running_mean", "running_var"], bn.NamedBuffers().Select(b => b.Name));
        Assert.Equal([1f, 1, 1], bn.Weight!.ToFloatArray());
        Assert.Equal([0f, 0, 0], bn.Bias!.ToFloatArray());
        Assert.Equal([0f, 0, 0], bn.RunningMean!.ToFloatArray());
        Assert.Equal([1f, 1, 1], bn.RunningVar!.ToFloatArray());
        Assert.All(bn.Buffers(), b => Assert.False(b.RequiresGrad));
        Assert.Equal(6, bn.ParameterCount());
        Assert.Equal((1e-5, 0.1), (bn.Eps, bn.Momentum));
        Assert.Equal([bn.Bias], bn.Biases());

        var model = new Sequential(new Linear(4, 3, new Generator(1)), new BatchNorm1d(3));
        Assert.Equal(["1.running_mean", "1.running_var"], model.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], model.NamedParameters().Select(p => p.Name));
        // An optimizer over the model never sees the buffers.
        Assert.Equal(4, new Sgd(model).Parameters.Count);
    }

    [Fact]
    public void TrainingUpdatesTheBuffersAndEvaluationUsesThem()
    {
        var bn = new BatchNorm1d(2, momentum: 0.5);
        var x = Batch(1, 6, 2, 3);
        var y = bn.Forward(x);
        Assert.Equal(Tensor.BatchNorm(x, null, null, Tensor.Ones(2), Tensor.Zeros(2), training: true).ToFloatArray(), y.ToFloatArray());
        var mean = x.Mean([0, 2]).ToDoubleArray();
        var unbiased = (x.Var([0, 2]) * (18.0 / 17)).ToDoubleArray();
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(0.5 * mean[c], bn.RunningMean!.ToDoubleArray()[c], 5);
            Assert.Equal(0.5 + 0.5 * unbiased[c], bn.RunningVar!.ToDoubleArray()[c], 4);
        }

        bn.Eval();
        var rm = bn.RunningMean!.ToFloatArray();
        var z = bn.Forward(x);
        Assert.Equal(Tensor.BatchNorm(x, bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias, training: false).ToFloatArray(), z.ToFloatArray());
        Assert.Equal(rm, bn.RunningMean!.ToFloatArray());
        bn.Train();
        bn.Forward(x);
        Assert.NotEqual(rm, bn.RunningMean!.ToFloatArray());
    }

    [Fact]
    public void WithoutRunningStatisticsBothModesUseTheBatch()
    {
        var bn = new BatchNorm2d(2, affine: false, trackRunningStats: false);
        Assert.Empty(bn.Parameters());
        Assert.Empty(bn.Buffers());
        Assert.Null(bn.RunningMean);
        var x = Batch(2, 3, 2, 2, 2);
        var train = bn.Forward(x).ToFloatArray();
        bn.Eval();
        Assert.Equal(train, bn.Forward(x).ToFloatArray());
        Assert.Equal(Tensor.BatchNorm(x, null, null, training: true).ToFloatArray(), train);
    }

    [Fact]
    public void BadInputsAndArgumentsAreRefused()
    {
        Assert.Equal("BatchNorm2d: the input has shape [4, 3]: rank 2; it must have rank 4 ([N, C, H, W])",
            Assert.Throws<ShapeException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(4, 3))).Message);
        Assert.Equal("BatchNorm1d: the input has shape [2, 3, 4, 4]: rank 4; it must have rank 2 ([N, C]) or 3 ([N, C, L])",
            Assert.Throws<ShapeException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(2, 3, 4, 4))).Message);
        Assert.Equal("BatchNorm1d: the input has shape [2, 4], which does not fit a layer with 3 features at dimension 1: 4 vs 3; the input must have shape [N, 3, ...]",
            Assert.Throws<ShapeException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(2, 4))).Message);
        Assert.StartsWith("BatchNorm1d: dtype mismatch", Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(DType.Float64, 2, 3))).Message);
        Assert.StartsWith("BatchNorm2d: numFeatures must be > 0, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(0)).Message);
        Assert.StartsWith("BatchNorm1d: momentum must be in [0, 1], got -0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(2, momentum: -0.1)).Message);
        Assert.StartsWith("batch_norm: input [1, 3] has 1 value per channel", Assert.Throws<ShapeException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3))).Message);
        // One value per channel is fine in evaluation, as in PyTorch.
        Assert.Equal([1, 3], new BatchNorm1d(3).Eval().Forward(Tensor.Zeros(1, 3)).Shape.ToArray());
    }

    /// <summary>A pooling network without convolutions: batch norm, ReLU, max pool, flatten, linear.</summary>
    private sealed class Net
    {
        public readonly Sequential Model;
        public readonly Optimizer Optimizer;
        public readonly Tensor X = Tensor.Zeros(8, 3, 6, 6);
        public readonly int[] Y = new int[8];
        private readonly Generator _data = new(11);

        public Net()
        {
            Model = new Sequential(new BatchNorm2d(3), new ReLU(), new MaxPool2d(2), new AvgPool2d(3, stride: 1, padding: 1), new Flatten(),
                new LayerNorm(27), new Linear(27, 4, new Generator(5)));
            Optimizer = new Momentum(Model, learningRate: 0.05, gamma: 0.9);
            NextBatch();
        }

        public void NextBatch()
        {
            var x = X.AsSpan<float>();
            for (int i = 0; i < x.Length; i++) x[i] = (float)(2 + 3 * _data.NextNormal());
            for (int i = 0; i < Y.Length; i++) Y[i] = _data.NextInt(4);
        }

        public Tensor Step()
        {
            Optimizer.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(Model.Forward(X), Y);
            loss.Backward();
            Optimizer.Step();
            return loss;
        }

        public long[][] State() => [.. Model.Parameters().Concat(Model.Buffers()).Select(StepPlanTests.Bits)];
    }

    [Fact]
    public void ACapturedStepReplaysTheRunningUpdateBitForBit()
    {
        var eager = new Net();
        var replay = new Net();
        var plan = StepPlan.Capture(replay.Step, replay.Y);
        eager.Step();
        Assert.Equal(eager.State(), replay.State());
        for (int i = 0; i < 4; i++)
        {
            eager.NextBatch();
            replay.NextBatch();
            long[] expected;
            using (StepScope.Begin()) expected = StepPlanTests.Bits(eager.Step());
            Assert.Equal(expected, StepPlanTests.Bits(plan.Run()));
            Assert.Equal(eager.State(), replay.State());
        }
        var bn = (BatchNorm2d)replay.Model[0];
        Assert.NotEqual([0f, 0, 0], bn.RunningMean!.ToFloatArray());

        // The mode is part of the capture.
        replay.Model.Eval();
        var e = Assert.Throws<InvalidOperationException>(() => plan.Run());
        Assert.StartsWith("BatchNorm2d: the step was captured in training mode but the module is now in evaluation mode", e.Message);
    }

    [Fact]
    public void AnEagerStepInAStepScopeAllocatesAtMost512Bytes()
    {
        var net = new Net();
        for (int i = 0; i < 5; i++) using (StepScope.Begin()) net.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 20;
        for (int i = 0; i < n; i++) using (StepScope.Begin()) net.Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / n;
        Assert.True(perStep <= 512, $"an eager step in a StepScope allocated {perStep} bytes (budget 512)");
    }

    [Fact]
    public void ReplayAllocatesNothing()
    {
        var net = new Net();
        var plan = StepPlan.Capture(net.Step, net.Y);
        for (int i = 0; i < 3; i++) plan.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TrainingLowersTheLoss()
    {
        var net = new Net();
        double first = net.Step().Item(), last = first;
        for (int i = 0; i < 60; i++) last = net.Step().Item();
        Assert.True(last < first * 0.5, $"loss {first} -> {last}");
    }
}
