using AutoGrad.Optim;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

public class AdamWTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void StepIsDecoupledDecayThenAdam(DType dtype)
    {
        // w ← w − ηλw, then the Adam step; λ never enters m or v.
        var p = NewParameter(dtype);
        var opt = new AdamW([p], 0.05, decoupledWeightDecay: 0.1);
        Assert.Equal("adamw", opt.Kind);
        AssertMatches(p, opt, AdamTests.Reference(0.05, 0.9, 0.999, 1e-8, wd: 0.1), steps: 8);
    }

    [Fact]
    public void DefaultWeightDecayIsPyTorchs()
    {
        var p = NewParameter(DType.Float64);
        Assert.Equal(0.01, new AdamW([p]).DecoupledWeightDecay);
        Assert.Equal(1e-3, new AdamW([p]).LearningRate);
    }

    [Fact]
    public void DecoupledDecayDiffersFromAnL2PenaltyUnderAdam()
    {
        // With an L2 penalty the decay term λw is normalized by √v̂ like the gradient; decoupled it is not.
        const double lr = 0.05, lambda = 0.5;
        var decoupled = NewParameter(DType.Float64);
        var penalized = NewParameter(DType.Float64);
        var o1 = new AdamW([decoupled], lr, decoupledWeightDecay: lambda);
        var o2 = new Adam([penalized], lr);
        for (int t = 0; t < 3; t++)
        {
            Backward(decoupled);
            o1.Step();
            penalized.ZeroGrad();
            var a = Tensor.From(DType.Float64, A, 2, 2);
            var b = Tensor.From(DType.Float64, B, 2, 2);
            ((a * (penalized - b).Square()).Sum() * 0.5 + penalized.Square().Sum() * (lambda / 2)).Backward();
            o2.Step();
        }
        var x = decoupled.ToDoubleArray();
        var y = penalized.ToDoubleArray();
        Assert.True(x.Zip(y).Max(z => Math.Abs(z.First - z.Second)) > 1e-3);
    }
}
