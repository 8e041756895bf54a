using AutoGrad.Autograd;
using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Memory;

public class StepScopeTests
{
    private static (Tensor W, Tensor X) Problem()
    {
        var rng = new Generator(1);
        return (Tensor.Randn(rng, 256, 256).RequireGrad(), Tensor.Randn(rng, 128, 256));
    }

    private static double Step(Tensor w, Tensor x)
    {
        var loss = Tensor.Matmul(x, w).Relu().Square().Mean();
        w.ZeroGrad();
        loss.Backward();
        return loss.Item();
    }

    [Fact]
    public void OpResultsAreRecycledAndStaleAccessThrows()
    {
        var (w, x) = Problem();
        Tensor inside;
        double value;
        using (StepScope.Begin())
        {
            inside = Tensor.Matmul(x, w);
            value = inside.Sum().Item();
        }
        Assert.True(double.IsFinite(value));
        var e = Assert.Throws<ObjectDisposedException>(() => inside[0, 0]);
        Assert.Contains("StepScope", e.Message);
        Assert.Throws<ObjectDisposedException>(() => inside.ToFloatArray());
    }

    [Fact]
    public void ParametersGradientsAndCreatedTensorsSurvive()
    {
        var (w, x) = Problem();
        Tensor created;
        using (StepScope.Begin())
        {
            Step(w, x);
            created = Tensor.Zeros(3) + 0;
            created = created.Clone();
        }
        Assert.Equal(256 * 256, w.Grad!.ToFloatArray().Length);
        Assert.Equal(3, created.ToFloatArray().Length);
        Assert.True(w.ToFloatArray().All(float.IsFinite));
    }

    [Fact]
    public void ResultsAreTheSameWithAndWithoutScope()
    {
        var (w, x) = Problem();
        double plain = Step(w, x);
        var g1 = w.Grad!.ToFloatArray();
        double scoped;
        using (StepScope.Begin()) scoped = Step(w, x);
        using (StepScope.Begin()) scoped = Step(w, x);
        Assert.Equal(plain, scoped);
        Assert.Equal(g1, w.Grad!.ToFloatArray());
    }

    [Fact]
    public void SteadyStateStepsDoNotAllocateTheirBuffers()
    {
        var (w, x) = Problem();
        for (int i = 0; i < 3; i++) using (StepScope.Begin()) Step(w, x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) using (StepScope.Begin()) Step(w, x);
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 5;
        // Activations and gradients here are several hundred KB per step; only small objects remain.
        Assert.True(perStep < 32 * 1024, $"allocated {perStep} bytes per step");
    }

    /// <summary>The standard MLP step of the benchmark (784-256-128-10, batch 128), with dropout and Adam or momentum.</summary>
    private sealed class MlpStep
    {
        private readonly Sequential _model;
        private readonly Optimizer _optimizer;
        private readonly Tensor _x;
        private readonly int[] _y;

        public MlpStep(bool adam, double dropout)
        {
            var rng = new Generator(3);
            _model = Mlp.Create([784, 256, 128, 10], Activation.ReLU, rng, dropout: dropout);
            _optimizer = adam ? new Adam(_model, learningRate: 1e-3) : new Momentum(_model, learningRate: 0.05, gamma: 0.9);
            _x = Tensor.Rand(rng, 128, 784);
            _y = Enumerable.Range(0, 128).Select(_ => rng.NextInt(10)).ToArray();
        }

        public double Run(bool scoped)
        {
            using var scope = scoped ? StepScope.Begin() : null;
            _optimizer.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(_model.Forward(_x), _y);
            loss.Backward();
            _optimizer.Step();
            return loss.Item();
        }

        public float[][] Parameters() => _model.Parameters().Select(p => p.ToFloatArray()).ToArray();
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.2)]
    public void AnEagerMlpTrainingStepAllocatesAtMost512Bytes(bool adam, double dropout)
    {
        var step = new MlpStep(adam, dropout);
        for (int i = 0; i < 5; i++) step.Run(scoped: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 20;
        for (int i = 0; i < n; i++) step.Run(scoped: true);
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / n;
        Assert.True(perStep <= 512, $"an eager step in a StepScope allocated {perStep} bytes (budget 512)");

        // Without a scope the same step allocates its handles, nodes and buffers: the budget is the scope's doing.
        before = GC.GetAllocatedBytesForCurrentThread();
        step.Run(scoped: false);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 100_000);
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.2)]
    public void ScopedStepsTrainBitForBitAsUnscopedOnes(bool adam, double dropout)
    {
        var plain = new MlpStep(adam, dropout);
        var scoped = new MlpStep(adam, dropout);
        for (int i = 0; i < 4; i++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(plain.Run(scoped: false)), BitConverter.DoubleToInt64Bits(scoped.Run(scoped: true)));
        var a = plain.Parameters();
        var b = scoped.Parameters();
        for (int p = 0; p < a.Length; p++)
            Assert.True(a[p].AsSpan().SequenceEqual(b[p]), $"parameter {p} differs");
    }

    [Fact]
    public void AHandleOrNodeUsedAfterItsScopeThrows()
    {
        var (w, x) = Problem();
        Tensor y, view;
        Node node;
        using (StepScope.Begin())
        {
            y = Tensor.Matmul(x, w).Relu();
            view = y.Reshape([-1]);
            node = y.GradFn!;
            Assert.Equal("relu", node.Name);
            Assert.Single(node.Inputs);
        }
        Assert.Throws<ObjectDisposedException>(() => y.GradFn);
        Assert.Throws<ObjectDisposedException>(() => view.ToFloatArray());
        Assert.Throws<ObjectDisposedException>(() => y.Sum());
        Assert.Throws<ObjectDisposedException>(() => y.Backward());
        var e = Assert.Throws<ObjectDisposedException>(() => node.Inputs);
        Assert.Contains("'relu' node", e.Message);
        Assert.Throws<ObjectDisposedException>(() => node.Site);
        Assert.Throws<ObjectDisposedException>(() => node.OutputShape);
        Assert.Throws<ObjectDisposedException>(() => node.Sequence);
    }

    [Fact]
    public void ARecycledNodeCarriesNothingFromItsLastOp()
    {
        // The second scope records different ops (and shapes) at the positions the first one used.
        var rng = new Generator(4);
        var a = Tensor.Randn(rng, 5, 3).RequireGrad();
        var b = Tensor.Randn(rng, 3).RequireGrad();
        float[] Grad(Func<Tensor> loss, bool scoped)
        {
            a.ZeroGrad();
            b.ZeroGrad();
            using (scoped ? StepScope.Begin() : null) loss().Backward();
            return [.. a.Grad!.ToFloatArray(), .. b.Grad!.ToFloatArray()];
        }
        Tensor First() => (a * b).Sigmoid().Sum();
        Tensor Second() => (a.Exp() + b).Square().Mean();
        Grad(First, scoped: true);
        var reused = Grad(Second, scoped: true);
        Assert.Equal(Grad(Second, scoped: false), reused);
        Grad(Second, scoped: true);
        Assert.Equal(Grad(First, scoped: false), Grad(First, scoped: true));
    }

    [Fact]
    public void ScopesNestAndMustEndInOrder()
    {
        var outer = StepScope.Begin();
        var inner = StepScope.Begin();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        outer.Dispose();
    }
}
