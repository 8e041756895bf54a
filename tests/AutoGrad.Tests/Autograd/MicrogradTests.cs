namespace AutoGrad.Tests.Autograd;

/// <summary>The expression from micrograd's README, whose published values the tape must reproduce.</summary>
public class MicrogradTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void ReadmeExpressionMatchesPublishedValues(DType dtype)
    {
        var a = Tensor.Scalar(-4.0, dtype).RequireGrad();
        var b = Tensor.Scalar(2.0, dtype).RequireGrad();
        var c = a + b;
        var d = a * b + b.Pow(3);
        c = c + (c + 1);
        c = c + (1 + c + (-a));
        d = d + (d * 2 + (b + a).Relu());
        d = d + (3 * d + (b - a).Relu());
        var e = c - d;
        var f = e.Pow(2);
        var g = f / 2.0;
        g = g + 10.0 / f;
        g.Backward();

        double tol = dtype == DType.Float64 ? 1e-4 : 1e-2;
        Assert.Equal(24.7041, g.Item(), tol);
        Assert.Equal(138.8338, a.Grad!.Item(), tol);
        Assert.Equal(645.5773, b.Grad!.Item(), tol);
    }
}
