using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class UnflattenTests
{
    [Fact]
    public void RowsOfPixelsBecomeImagesWithTheSameValues()
    {
        var rows = Tensor.Arange(24).Reshape([2, 12]);
        var images = new Unflatten(1, 3, 2, 2).Forward(rows);
        Assert.Equal([2, 3, 2, 2], images.Shape.ToArray());
        Assert.Equal(rows.ToFloatArray(), images.ToFloatArray());
        Assert.Equal([2, 3, 4], new Unflatten(-1, 3, 4).Forward(rows).Shape.ToArray());
    }

    [Fact]
    public void GradientsFlowBackToTheRows()
    {
        var rows = Tensor.Rand(new Generator(1), 2, 4).RequireGrad();
        (new Unflatten(1, 2, 2).Forward(rows) * 3).Sum().Backward();
        Assert.All(rows.Grad!.ToFloatArray(), g => Assert.Equal(3f, g));
    }

    [Fact]
    public void ASizeThatDoesNotMultiplyOutIsRefused()
    {
        var e = Assert.Throws<ShapeException>(() => new Unflatten(1, 1, 2, 2).Forward(Tensor.Zeros(2, 5)));
        Assert.Contains("Unflatten: input has shape [2, 5]", e.Message);
        Assert.Contains("at dimension 1: 5 vs 4", e.Message);
        Assert.Contains("must have shape [2, 4]", e.Message);
        Assert.Throws<ShapeException>(() => new Unflatten(3, 2).Forward(Tensor.Zeros(2, 2)));
        Assert.Contains("sizes[1] is 0", Assert.Throws<ArgumentException>(() => new Unflatten(1, 2, 0)).Message);
        Assert.Throws<ArgumentException>(() => new Unflatten(1));
    }
}
