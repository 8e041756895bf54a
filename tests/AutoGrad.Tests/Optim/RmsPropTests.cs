using AutoGrad.Optim;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

public class RmsPropTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void StepIsClosedForm(DType dtype)
    {
        // s ← αs + (1 − α)g²; w ← w − η g / (√s + ε).
        var p = NewParameter(dtype);
        const double lr = 0.01, alpha = 0.9, eps = 1e-8;
        var s = new double[4];
        AssertMatches(p, new RmsProp([p], lr, alpha), (w, g, _) =>
        {
            for (int i = 0; i < 4; i++) s[i] = alpha * s[i] + (1 - alpha) * g[i] * g[i];
            return w.Select((wi, i) => wi - lr * g[i] / (Math.Sqrt(s[i]) + eps)).ToArray();
        });
    }

    [Fact]
    public void HandComputedFirstStep()
    {
        // α = 0.75, g = 2: s = 0.25·4 = 1, step η·2/1 = 0.2 for η = 0.1.
        var p = Tensor.From(DType.Float64, [1.0]).RequireGrad();
        p.Grad = Tensor.From(DType.Float64, [2.0]);
        new RmsProp([p], 0.1, alpha: 0.75).Step();
        Assert.Equal(0.8, p.Item(), 1e-7);
    }
}
