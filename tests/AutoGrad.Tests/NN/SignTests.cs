using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class SignTests
{
    private static readonly Tensor Z = Tensor.FromArray(new[] { -2.0, 0, 3 });

    [Fact]
    public void TheNotesSignMapsZeroToMinusOne()
    {
        // Note 000 L129: sgn(z) = 1 if z > 0, and −1 otherwise.
        Assert.Equal([-1.0, -1, 1], new Sign().Forward(Z).ToDoubleArray());
        Assert.Equal(-1, new Sign().ValueAtZero);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void OtherConventionsAtZero(double atZero) =>
        Assert.Equal([-1.0, atZero, 1], new Sign(atZero).Forward(Z).ToDoubleArray());

    [Fact]
    public void PassesNoGradient()
    {
        var z = Z.Clone().RequireGrad();
        var y = new Sign().Forward(z);
        Assert.True(y.RequiresGrad);
        y.Sum().Backward();
        Assert.Equal([0.0, 0, 0], z.Grad!.ToDoubleArray());
    }

    [Fact]
    public void OnlyMinusOneZeroOrOneAtZero()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sign(0.5));
        Assert.Contains("valueAtZero must be -1, 0 or 1, got 0.5", e.Message);
    }
}
