using AutoGrad.Optim;

namespace AutoGrad.Tests.Optim;

public class GradientClippingTests
{
    private static (Tensor A, Tensor B, Tensor C) Params()
    {
        var a = Tensor.From(DType.Float64, [0, 0]).RequireGrad();
        var b = Tensor.From(DType.Float32, [0]).RequireGrad();
        var c = Tensor.From(DType.Float64, [0]).RequireGrad();
        a.Grad = Tensor.From(DType.Float64, [3, 4]);
        b.Grad = Tensor.From(DType.Float32, [12]);
        return (a, b, c); // c has no gradient
    }

    [Fact]
    public void ClipByNormRescalesAllGradientsTogetherAndReturnsThePreClipNorm()
    {
        var (a, b, c) = Params();
        double norm = GradientClipping.ClipByNorm([a, b, c], 6.5);
        Assert.Equal(13, norm, 1e-12);
        double scale = 6.5 / (13 + 1e-6);
        Assert.Equal([3 * scale, 4 * scale], a.Grad!.ToDoubleArray());
        Assert.Equal(12 * scale, b.Grad!.Item(), 1e-5);
        Assert.Null(c.Grad);
        double after = Math.Sqrt(a.Grad!.ToDoubleArray().Sum(v => v * v) + b.Grad!.Item() * b.Grad!.Item());
        Assert.True(after <= 6.5);
    }

    [Fact]
    public void ClipByNormLeavesSmallGradientsAlone()
    {
        var (a, b, _) = Params();
        Assert.Equal(13, GradientClipping.ClipByNorm([a, b], 13.5), 1e-12);
        Assert.Equal([3.0, 4.0], a.Grad!.ToDoubleArray());
        Assert.Equal(12, b.Grad!.Item());
    }

    [Fact]
    public void ClipByNormReturnsANonFiniteNormWithoutTouchingTheGradients()
    {
        var (a, b, _) = Params();
        b.Grad = Tensor.From(DType.Float32, [float.NaN]);
        Assert.True(double.IsNaN(GradientClipping.ClipByNorm([a, b], 1)));
        Assert.Equal([3.0, 4.0], a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ClipByValueClampsEachElement()
    {
        var (a, b, c) = Params();
        a.Grad = Tensor.From(DType.Float64, [-5, 2]);
        Assert.Equal(2, GradientClipping.ClipByValue([a, b, c], 3));
        Assert.Equal([-3.0, 2.0], a.Grad!.ToDoubleArray());
        Assert.Equal(3, b.Grad!.Item());
    }

    [Fact]
    public void InvalidThresholdsAreRefused()
    {
        var (a, _, _) = Params();
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm([a], 0)).ParamName);
        Assert.Equal("clipValue", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue([a], -1)).ParamName);
    }
}
