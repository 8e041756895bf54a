using AutoGrad.Optim;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

public class NesterovTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void StepIsClosedForm(DType dtype)
    {
        // v ← γv + ηg; w ← w − (γv + ηg).
        var p = NewParameter(dtype);
        const double lr = 0.05, gamma = 0.9;
        var v = new double[4];
        AssertMatches(p, new Nesterov([p], lr, gamma), (w, g, _) =>
        {
            for (int i = 0; i < 4; i++) v[i] = gamma * v[i] + lr * g[i];
            return w.Select((wi, i) => wi - (gamma * v[i] + lr * g[i])).ToArray();
        });
    }

    [Fact]
    public void MatchesPyTorchsFormWithAConstantRate()
    {
        // PyTorch: b ← μb + g; w ← w − η(g + μb). Same trajectory while η is constant.
        var p = NewParameter(DType.Float64);
        const double lr = 0.05, mu = 0.9;
        var b = new double[4];
        AssertMatches(p, new Nesterov([p], lr, mu), (w, g, _) =>
        {
            for (int i = 0; i < 4; i++) b[i] = mu * b[i] + g[i];
            return w.Select((wi, i) => wi - lr * (g[i] + mu * b[i])).ToArray();
        });
    }

    [Fact]
    public void HandComputedSteps()
    {
        // w0 = 1, g = 2, η = 0.1, γ = 0.9: v1 = 0.2, w1 = 1 − (0.18 + 0.2) = 0.62; v2 = 0.38, w2 = 0.62 − (0.342 + 0.2) = 0.078.
        var p = Tensor.From(DType.Float64, [1.0]).RequireGrad();
        var opt = new Nesterov([p], 0.1, 0.9);
        foreach (var e in new[] { 0.62, 0.078 })
        {
            p.Grad = Tensor.From(DType.Float64, [2.0]);
            opt.Step();
            Assert.Equal(e, p.Item(), 1e-12);
        }
    }
}
