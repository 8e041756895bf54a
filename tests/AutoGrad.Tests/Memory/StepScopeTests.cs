using AutoGrad.Autograd;
using AutoGrad.Memory;

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
