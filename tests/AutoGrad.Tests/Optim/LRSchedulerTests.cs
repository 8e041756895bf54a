using AutoGrad.Optim;

namespace AutoGrad.Tests.Optim;

public class LRSchedulerTests
{
    private static Sgd Opt(double lr) => new([Tensor.Zeros(2).RequireGrad()], lr);

    private static double[] Run(LRScheduler s, int steps)
    {
        var r = new List<double> { s.LearningRate };
        for (int i = 0; i < steps; i++) r.Add(s.Step());
        return r.ToArray();
    }

    [Fact]
    public void StepLRDecaysEveryStepSizeSteps()
    {
        var rates = Run(new StepLR(Opt(1.0), stepSize: 3, gamma: 0.5), 7);
        Assert.Equal([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25], rates);
    }

    [Fact]
    public void ExponentialLRMultipliesEveryStep()
    {
        var rates = Run(new ExponentialLR(Opt(0.2), 0.9), 5);
        for (int t = 0; t <= 5; t++) Assert.Equal(0.2 * Math.Pow(0.9, t), rates[t], 1e-15);
    }

    [Fact]
    public void CosineAnnealsToTheMinimumAndStaysThere()
    {
        var opt = Opt(1.0);
        var rates = Run(new CosineAnnealingLR(opt, tMax: 4, minLearningRate: 0.1), 6);
        double[] expected = [1.0, 0.1 + 0.9 * (1 + Math.Cos(Math.PI / 4)) / 2, 0.55, 0.1 + 0.9 * (1 + Math.Cos(3 * Math.PI / 4)) / 2, 0.1, 0.1, 0.1];
        for (int t = 0; t < expected.Length; t++) Assert.Equal(expected[t], rates[t], 1e-12);
        Assert.Equal(0.1, opt.LearningRate, 1e-15);
    }

    [Fact]
    public void CosineMayReachZeroAndTheOptimizerThenStandsStill()
    {
        var p = Tensor.From(DType.Float64, [1.0]).RequireGrad();
        var opt = new Sgd([p], 0.5);
        var s = new CosineAnnealingLR(opt, tMax: 2);
        s.Step();
        s.Step();
        Assert.Equal(0, opt.LearningRate);
        p.Grad = Tensor.From(DType.Float64, [1.0]);
        opt.Step();
        Assert.Equal(1.0, p.Item());
    }

    [Fact]
    public void SeekResumesTheSameRate()
    {
        var a = new StepLR(Opt(1.0), 2, 0.1);
        for (int i = 0; i < 5; i++) a.Step();
        var b = new StepLR(Opt(1.0), 2, 0.1);
        b.Seek(5);
        Assert.Equal(a.LearningRate, b.LearningRate);
        Assert.Equal(5, b.StepCount);
        Assert.Equal(a.RateAt(9), b.RateAt(9));
    }

    [Fact]
    public void InvalidArgumentsAreRefused()
    {
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Opt(1), 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Opt(1), 2, 0)).ParamName);
        Assert.Contains("1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(Opt(1), 1.5)).Message);
        Assert.Equal("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(Opt(1), 0)).ParamName);
        Assert.Equal("minLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(Opt(1), 5, 2.0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Opt(1), 2).Seek(-1));
    }
}
