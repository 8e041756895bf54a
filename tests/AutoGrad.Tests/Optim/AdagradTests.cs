using AutoGrad.Optim;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

public class AdagradTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void StepIsClosedForm(DType dtype)
    {
        // s ← s + g²; w ← w − η g / (√s + ε).
        var p = NewParameter(dtype);
        const double lr = 0.3, eps = 1e-10;
        var s = new double[4];
        AssertMatches(p, new Adagrad([p], lr), (w, g, _) =>
        {
            for (int i = 0; i < 4; i++) s[i] += g[i] * g[i];
            return w.Select((wi, i) => wi - lr * g[i] / (Math.Sqrt(s[i]) + eps)).ToArray();
        });
    }

    [Fact]
    public void HandComputedSteps()
    {
        // g = 3 then 4, η = 1: s1 = 9, step 3/3 = 1; s2 = 25, step 4/5 = 0.8. w: 2 → 1 → 0.2.
        var p = Tensor.From(DType.Float64, [2.0]).RequireGrad();
        var opt = new Adagrad([p], 1.0);
        p.Grad = Tensor.From(DType.Float64, [3.0]);
        opt.Step();
        Assert.Equal(1.0, p.Item(), 1e-9);
        p.Grad = Tensor.From(DType.Float64, [4.0]);
        opt.Step();
        Assert.Equal(0.2, p.Item(), 1e-9);
    }
}
