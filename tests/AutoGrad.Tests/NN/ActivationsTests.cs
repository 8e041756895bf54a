using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class ActivationsTests
{
    private static readonly Tensor Z = Tensor.FromArray(new[] { -2.0, -0.5, 0, 0.5, 2 });

    [Fact]
    public void ModulesApplyTheirOps()
    {
        Assert.Equal(Z.Sigmoid().ToDoubleArray(), new Sigmoid().Forward(Z).ToDoubleArray());
        Assert.Equal(Z.Tanh().ToDoubleArray(), new Tanh().Forward(Z).ToDoubleArray());
        Assert.Equal([0.0, 0, 0, 0.5, 2], new ReLU().Forward(Z).ToDoubleArray());
        Assert.Same(Z, new Identity().Forward(Z));
    }

    [Theory]
    [InlineData(Activation.ReLU, typeof(ReLU))]
    [InlineData(Activation.Sigmoid, typeof(Sigmoid))]
    [InlineData(Activation.Tanh, typeof(Tanh))]
    [InlineData(Activation.Identity, typeof(Identity))]
    public void CreateByName(Activation a, Type expected)
    {
        Assert.IsType(expected, Activations.Create(a));
    }

    [Fact]
    public void UnknownActivationIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Create((Activation)42));

    [Fact]
    public void SigmoidDerivativeIsSigmaTimesOneMinusSigma()
    {
        var z = Z.Clone().RequireGrad();
        new Sigmoid().Forward(z).Sum().Backward();
        var s = Z.Sigmoid().ToDoubleArray();
        for (int i = 0; i < s.Length; i++) Assert.Equal(s[i] * (1 - s[i]), z.Grad![i], 12);
    }

    [Fact]
    public void SigmoidIsNearlyLinearForSmallInputs()
    {
        // Note 003 L1415: tiny weights keep sigmoid units in their linear range, σ(z) ≈ ½ + z/4.
        var z = Tensor.FromArray(new[] { -0.01, 0.003, 0.02 });
        var s = new Sigmoid().Forward(z).ToDoubleArray();
        for (int i = 0; i < 3; i++) Assert.Equal(0.5 + z[i] / 4, s[i], 6);
    }

    [Fact]
    public void ReluDerivativeIsZeroAtZero()
    {
        var z = Z.Clone().RequireGrad();
        new ReLU().Forward(z).Sum().Backward();
        Assert.Equal([0.0, 0, 0, 1, 1], z.Grad!.ToDoubleArray());
    }
}
