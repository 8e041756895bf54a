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
                "adam" => new Adam(Model, learningRate: 0.01, weightDecay: 0.01),
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
    [InlineData("momentum")]
    [InlineData("adam")]
    public void MlpStepsReplayBitForBit(string optimizer)
    {
        var eager = new Setup([20, 16, 12, 5], 8, optimizer);
        var replay = new Setup([20, 16, 12, 5], 8, optimizer);
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
}
