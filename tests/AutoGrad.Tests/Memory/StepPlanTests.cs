using System.Runtime.InteropServices;
using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Memory;

/// <summary>
/// A captured step replayed with <see cref="StepPlan.Run"/> must compute exactly what the eager
/// step computes on the same data, bit for bit, over many steps (so optimizer state, gradient
/// accumulation and random masks all carry over correctly), and allocate nothing.
/// </summary>
public class StepPlanTests
{
    /// <summary>A training setup built twice from the same seed: one runs eagerly, the other through a plan.</summary>
    private sealed class Setup
    {
        public readonly Sequential Model;
        public readonly Optimizer Optimizer;
        public readonly Tensor X;
        public readonly int[] Y;
        private readonly Generator _data;
        private readonly int _classes;

        public Setup(int[] sizes, int batch, string optimizer, double dropout = 0, double inputDropout = 0, ulong seed = 7)
        {
            var rng = new Generator(seed);
            Model = Mlp.Create(sizes, Activation.ReLU, rng, dropout, inputDropout);
            Optimizer = optimizer switch
            {
                "adam" => new Adam(Model, learningRate: 0.01, decoupledWeightDecay: 0.01),
                _ => new Momentum(Model, learningRate: 0.05, gamma: 0.9),
            };
            X = Tensor.Zeros(batch, sizes[0]);
            Y = new int[batch];
            _data = new Generator(seed + 1);
            _classes = sizes[^1];
            NextBatch();
        }

        /// <summary>Writes a new batch into the same tensor and label array, as a DataLoader does.</summary>
        public void NextBatch()
        {
            var x = X.AsSpan<float>();
            for (int i = 0; i < x.Length; i++) x[i] = (float)_data.NextNormal();
            for (int i = 0; i < Y.Length; i++) Y[i] = _data.NextInt(_classes);
        }

        public Tensor Step()
        {
            Optimizer.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(Model.Forward(X), Y);
            loss.Backward();
            Optimizer.Step();
            return loss;
        }

        public StepPlan Capture() => StepPlan.Capture(Step, Y);
    }

    /// <summary>The exact bit patterns of a tensor's elements (float32 or float64).</summary>
    internal static long[] Bits(Tensor t) => t.DType == DType.Float32
        ? [.. MemoryMarshal.Cast<float, int>(t.ToFloatArray()).ToArray().Select(b => (long)b)]
        : MemoryMarshal.Cast<double, long>(t.ToDoubleArray()).ToArray();

    private static void AssertSameState(Setup eager, Setup replay)
    {
        var a = eager.Model.Parameters().ToArray();
        var b = replay.Model.Parameters().ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(Bits(a[i]), Bits(b[i]));
            Assert.Equal(Bits(a[i].Grad!), Bits(b[i].Grad!));
        }
        var sa = eager.Optimizer.State().Tensors;
        var sb = replay.Optimizer.State().Tensors;
        foreach (var (name, t) in sa) Assert.Equal(Bits(t), Bits(sb[name]));
    }

    [Theory]
    [InlineData("momentum", 0.0)]
    [InlineData("adam", 0.0)]
    [InlineData("momentum", 0.3)]
    [InlineData("adam", 0.5)]
    public void MlpStepsReplayBitForBit(string optimizer, double dropout)
    {
        var eager = new Setup([20, 16, 12, 5], 8, optimizer, dropout, inputDropout: dropout / 2);
        var replay = new Setup([20, 16, 12, 5], 8, optimizer, dropout, inputDropout: dropout / 2);
        var plan = replay.Capture();
        var first = eager.Step();
        Assert.Equal(Bits(first), Bits(plan.Output));
        AssertSameState(eager, replay);
        for (int step = 0; step < 6; step++)
        {
            eager.NextBatch();
            replay.NextBatch();
            Tensor expected;
            using (StepScope.Begin())
            {
                expected = eager.Step().Clone();
            }
            var loss = plan.Run();
            Assert.Same(plan.Output, loss);
            Assert.Equal(Bits(expected), Bits(loss));
            AssertSameState(eager, replay);
        }
        Assert.Equal(6, plan.RunCount);
        Assert.Equal(eager.Optimizer.StepCount, replay.Optimizer.StepCount);
    }

    [Theory]
    [InlineData(new[] { 784, 256, 128, 10 }, 128, "momentum", 0.0)]
    [InlineData(new[] { 64, 32, 16, 10 }, 16, "adam", 0.2)]
    public void ReplayAllocatesNothing(int[] sizes, int batch, string optimizer, double dropout)
    {
        var s = new Setup(sizes, batch, optimizer, dropout, inputDropout: dropout);
        var plan = s.Capture();
        for (int i = 0; i < 3; i++) plan.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            s.NextBatch();
            plan.Run();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DropoutDrawsANewMaskAtEveryRun()
    {
        var s = new Setup([20, 16, 5], 8, "momentum", dropout: 0.5);
        var dropout = s.Model.OfType<Dropout>().Single();
        var plan = s.Capture();
        var mask = dropout.LastMask!;
        var masks = new List<long[]> { Bits(mask) };
        for (int i = 0; i < 3; i++)
        {
            plan.Run();
            Assert.Same(mask, dropout.LastMask);
            masks.Add(Bits(mask));
        }
        Assert.Equal(4, masks.Select(m => string.Join(",", m)).Distinct().Count());
    }

    [Fact]
    public void TensorsTheStepProducedHoldTheLatestRunsValues()
    {
        var eager = new Setup([20, 16, 5], 8, "momentum");
        var replay = new Setup([20, 16, 5], 8, "momentum");
        Tensor? logits = null;
        var plan = StepPlan.Capture(() =>
        {
            replay.Optimizer.ZeroGrad();
            logits = replay.Model.Forward(replay.X);
            var loss = Loss.SoftmaxCrossEntropy(logits, replay.Y);
            loss.Backward();
            replay.Optimizer.Step();
            return loss;
        }, replay.Y);
        eager.Step();
        eager.NextBatch();
        replay.NextBatch();
        var expected = eager.Model.Forward(eager.X);
        plan.Run();
        Assert.Equal(Bits(expected), Bits(logits!));
    }

    [Fact]
    public void LearningRateChangesAndSchedulesApplyAtReplay()
    {
        var eager = new Setup([20, 16, 5], 8, "adam");
        var replay = new Setup([20, 16, 5], 8, "adam");
        var eagerSchedule = new StepLR(eager.Optimizer, 2, 0.5);
        var replaySchedule = new StepLR(replay.Optimizer, 2, 0.5);
        eager.Step();
        eagerSchedule.Step();
        var plan = StepPlan.Capture(() =>
        {
            var loss = replay.Step();
            replaySchedule.Step();
            return loss;
        }, replay.Y);
        for (int i = 0; i < 4; i++)
        {
            eager.NextBatch();
            replay.NextBatch();
            if (i == 2)
            {
                eager.Optimizer.DecoupledWeightDecay = 0.2;
                replay.Optimizer.DecoupledWeightDecay = 0.2;
            }
            eager.Step();
            eagerSchedule.Step();
            plan.Run();
            Assert.Equal(eager.Optimizer.LearningRate, replay.Optimizer.LearningRate);
            AssertSameState(eager, replay);
        }
        Assert.Equal(5, replaySchedule.StepCount);
    }

    [Fact]
    public void NewLabelsAreReadFromTheRegisteredArrayAndCheckedAgain()
    {
        var s = new Setup([20, 16, 5], 8, "momentum");
        var plan = s.Capture();
        var eager = new Setup([20, 16, 5], 8, "momentum");
        eager.Step();
        eager.Y.AsSpan().Reverse();
        s.Y.AsSpan().Reverse();
        Assert.Equal(Bits(eager.Step()), Bits(plan.Run()));
        s.Y[3] = 5;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => plan.Run());
        Assert.Contains("gather", e.Message);
        Assert.Contains("index 5 at position 3", e.Message);
        s.Y[3] = 4;
        plan.Run();
    }

    /// <summary>A float64 model touching most op families: matmul (plain and batched), shape ops, indexing, where, reductions, softmax, cast, penalties.</summary>
    private sealed class ManyOps
    {
        public readonly Tensor X = Tensor.Zeros(DType.Float64, 6, 6);
        public readonly int[] Rows = new int[6];
        public readonly int[] Picks = new int[6];
        public readonly Tensor W1, W2, B;
        public readonly Optimizer Optimizer;
        private readonly Generator _data = new(3);

        public ManyOps()
        {
            var rng = new Generator(11);
            W1 = Tensor.Normal(rng, 0, 0.5, DType.Float64, 6, 8).RequireGrad();
            W2 = Tensor.Normal(rng, 0, 0.5, DType.Float64, 2, 4, 3).RequireGrad();
            B = Tensor.Normal(rng, 0, 0.1, DType.Float64, 8).RequireGrad();
            Optimizer = new Momentum([W1, W2, B], learningRate: 0.1);
            NextBatch();
        }

        public void NextBatch()
        {
            var x = X.AsSpan<double>();
            for (int i = 0; i < x.Length; i++) x[i] = _data.NextNormal();
            for (int i = 0; i < Rows.Length; i++) Rows[i] = _data.NextInt(6);
            for (int i = 0; i < Picks.Length; i++) Picks[i] = _data.NextInt(6);
        }

        public Tensor Step()
        {
            Optimizer.ZeroGrad();
            var h = (Tensor.Matmul(X, W1) + B).Tanh();
            var gated = h.Slice(1, 0, 4).Sigmoid() * h.Slice(1, 4, 4).Softplus();
            var joined = Tensor.Concat([gated.Pad(1, 1, 1), X], 1);
            var split = joined.Reshape([6, 2, 6]).Permute([1, 0, 2]);
            var z = Tensor.Matmul(split.Slice(2, 0, 4), W2).Transpose(0, 1).Reshape([6, 6]);
            var rows = z.IndexSelect(0, Rows);
            var bounded = Tensor.Maximum(rows.Clamp(-2, 2), rows * 0.1);
            var nll = (bounded.LogSumExp(1) - bounded.LogSoftmax(1).Gather(1, Picks)).Mean();
            var soft = Loss.SoftmaxCrossEntropy(bounded, Tensor.OneHot(Picks, 6, DType.Float64));
            var stats = bounded.Var([0]).Sum() * 0.01 + bounded.Max(1).Sum() * 0.01 + bounded.Min([0]).Mean() * 0.01;
            var misc = (X.Abs() + 1).Sqrt().Log().Mean() * h.Expand([2, 6, 8]).Mean() + z.To(DType.Float32).To(DType.Float64).Square().Mean() * 0.01;
            var stacked = Tensor.Stack([h.Relu().Sum(0), h.Pow(3).Sum(0) / (h.Square().Sum(0) + 1)]).Softmax(0).Sum();
            var cubed = new Cube().Apply(h.Slice(0, 0, 2)).Mean();
            var loss = nll + soft + stats + misc + stacked * 0.01 + cubed * 0.01 + Regularization.L2Penalty([W1, W2], 1e-3) + Regularization.L1Penalty([B], 1e-3);
            loss.Backward();
            GradientClipping.ClipByNorm([W1, W2, B], 5.0);
            Optimizer.Step();
            return loss;
        }
    }

    /// <summary>A user-defined op: its forward and backward are tensor ops, captured like built-ins.</summary>
    private sealed class Cube : AutoGrad.Autograd.CustomOp
    {
        protected override Tensor Forward(AutoGrad.Autograd.CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return x[0] * x[0] * x[0];
        }

        protected override Tensor?[] Backward(AutoGrad.Autograd.CustomOpContext ctx, Tensor g) => [g * 3 * ctx.SavedTensors[0].Square()];
    }

    [Fact]
    public void AModelUsingManyOpFamiliesReplaysBitForBit()
    {
        var eager = new ManyOps();
        var replay = new ManyOps();
        var plan = StepPlan.Capture(replay.Step, replay.Rows, replay.Picks);
        Assert.Equal(Bits(eager.Step()), Bits(plan.Output));
        for (int step = 0; step < 5; step++)
        {
            eager.NextBatch();
            replay.NextBatch();
            Assert.Equal(Bits(eager.Step()), Bits(plan.Run()));
            foreach (var (a, b) in new[] { (eager.W1, replay.W1), (eager.W2, replay.W2), (eager.B, replay.B) })
            {
                Assert.Equal(Bits(a), Bits(b));
                Assert.Equal(Bits(a.Grad!), Bits(b.Grad!));
            }
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        plan.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void InPlaceWritesCreationsAndInitializersInsideTheStepAreReplayed()
    {
        Tensor Step(Generator rng, Tensor x, float[] source)
        {
            var t = Tensor.Zeros(2, 3);
            var before = (t * x).Sum();                     // must see zeros again at every run
            t.Fill(2);
            t[1, 2] = -1;
            var u = Init.Normal(Tensor.Zeros(2, 3), 0, 1, rng);
            var c = Tensor.FromArray(source, 2, 3) + Tensor.Arange(6).Reshape([2, 3]) + Tensor.Eye(3).Slice(0, 0, 2);
            var copy = c.Clone();
            c.CopyFrom(c * 2);
            return before + (t * x).Sum() + (copy * c).Sum() + (u * x).Sum() + Tensor.Randn(rng, 2, 3).Sum();
        }
        var x = Tensor.Full(0.5, 2, 3);
        float[] src = [1, 2, 3, 4, 5, 6];
        var rngA = new Generator(4);
        var rngB = new Generator(4);
        var plan = StepPlan.Capture(() => Step(rngB, x, src));
        Assert.Equal(Bits(Step(rngA, x, src)), Bits(plan.Output));
        for (int i = 0; i < 3; i++)
        {
            src[i] += 10;
            x.Fill(i);
            Assert.Equal(Bits(Step(rngA, x, src)), Bits(plan.Run()));
        }
    }
}
