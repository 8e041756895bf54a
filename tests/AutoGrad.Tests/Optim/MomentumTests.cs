using AutoGrad.Optim;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

public class MomentumTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void StepIsTheNotesForm(DType dtype)
    {
        // Seed 003: v ← γv + η·dE/dw; w ← w − v.
        var p = NewParameter(dtype);
        const double lr = 0.1, gamma = 0.8;
        var v = new double[4];
        AssertMatches(p, new Momentum([p], lr, gamma), (w, g, _) =>
        {
            for (int i = 0; i < 4; i++) v[i] = gamma * v[i] + lr * g[i];
            return w.Select((wi, i) => wi - v[i]).ToArray();
        });
    }

    [Fact]
    public void HandComputedStepsWithAConstantGradient()
    {
        // w0 = 1, g = 2, η = 0.1, γ = 0.9: v1 = 0.2, w1 = 0.8; v2 = 0.18 + 0.2 = 0.38, w2 = 0.42; v3 = 0.542, w3 = -0.122.
        var p = Tensor.From(DType.Float64, [1.0]).RequireGrad();
        var opt = new Momentum([p], 0.1, 0.9);
        double[] expected = [0.8, 0.42, -0.122];
        foreach (var e in expected)
        {
            p.Grad = Tensor.From(DType.Float64, [2.0]);
            opt.Step();
            Assert.Equal(e, p.Item(), 1e-12);
        }
    }

    [Fact]
    public void ZeroGammaIsPlainSgd()
    {
        var p = NewParameter(DType.Float64);
        AssertMatches(p, new Momentum([p], 0.2, 0), (w, g, _) => w.Select((wi, i) => wi - 0.2 * g[i]).ToArray());
    }

    [Fact]
    public void DecayIsAppliedToTheWeightsNotThroughTheVelocity()
    {
        var p = NewParameter(DType.Float64);
        const double lr = 0.1, gamma = 0.5, wd = 0.2;
        var v = new double[4];
        AssertMatches(p, new Momentum([p], lr, gamma, decoupledWeightDecay: wd), (w, g, _) =>
        {
            for (int i = 0; i < 4; i++) v[i] = gamma * v[i] + lr * g[i];
            return w.Select((wi, i) => (1 - lr * wd) * wi - v[i]).ToArray();
        });
    }
}
