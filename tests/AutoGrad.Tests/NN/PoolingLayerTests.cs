using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>The parameter-free layers MaxPool2d, AvgPool2d, GlobalAvgPool2d and Flatten: PyTorch's defaults, the functional forms, and their checks at construction.</summary>
public class PoolingLayerTests
{
    private static readonly Tensor X = Tensor.Normal(new Generator(3), 0, 1, DType.Float32, 2, 3, 6, 5);

    [Fact]
    public void LayersAreTheFunctionalForms()
    {
        Assert.Equal(X.MaxPool2d(2).ToFloatArray(), new MaxPool2d(2).Forward(X).ToFloatArray());
        Assert.Equal(X.MaxPool2d((3, 2), (1, 2), (1, 0)).ToFloatArray(), new MaxPool2d((3, 2), (1, 2), (1, 0)).Forward(X).ToFloatArray());
        Assert.Equal(X.AvgPool2d(3, 2, 1, countIncludePad: false).ToFloatArray(), new AvgPool2d(3, 2, 1, countIncludePad: false).Forward(X).ToFloatArray());
        Assert.Equal(X.GlobalAvgPool2d().ToFloatArray(), new GlobalAvgPool2d().Forward(X).ToFloatArray());
        Assert.Equal([2, 3, 1, 1], new GlobalAvgPool2d().Forward(X).Shape.ToArray());
        Assert.Equal([2, 90], new Flatten().Forward(X).Shape.ToArray());
        Assert.Equal([2, 18, 5], new Flatten(1, 2).Forward(X).Shape.ToArray());
        foreach (Module m in new Module[] { new MaxPool2d(2), new AvgPool2d(2), new GlobalAvgPool2d(), new Flatten() })
        {
            Assert.Empty(m.Parameters());
            Assert.Empty(m.Buffers());
        }
    }

    [Fact]
    public void StrideDefaultsToTheKernelSize()
    {
        var m = new MaxPool2d(3);
        Assert.Equal((3, 3), m.Stride);
        Assert.Equal((0, 0), m.Padding);
        Assert.Equal("MaxPool2d(kernelSize=3, stride=3, padding=0)", m.ToString());
        var a = new AvgPool2d((2, 3), padding: (1, 1));
        Assert.Equal((2, 3), a.Stride);
        Assert.True(a.CountIncludePad);
        Assert.Equal("AvgPool2d(kernelSize=(2, 3), stride=(2, 3), padding=1, countIncludePad=True)", a.ToString());
        Assert.Equal([2, 3, 2, 1], new MaxPool2d(3).Forward(X).Shape.ToArray());
    }

    [Fact]
    public void BadWindowsAreRefusedAtConstruction()
    {
        Assert.StartsWith("MaxPool2d: kernelSize must be > 0, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(0)).Message);
        Assert.StartsWith("MaxPool2d: stride must be > 0, got -2", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, stride: -2)).Message);
        Assert.StartsWith("AvgPool2d: padding must be at most half of kernelSize 2 (PyTorch's rule, so that every window overlaps the input), got 2",
            Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d(2, padding: 2)).Message);
        Assert.StartsWith("AvgPool2d: padding must be >= 0, got (0, -1)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d((2, 2), padding: (0, -1))).Message);
        // A window that fits no input is refused when it meets one.
        Assert.StartsWith("max_pool2d: input [2, 3, 6, 5] with padding 0 is too small for kernelSize 7 at dimension 2",
            Assert.Throws<ShapeException>(() => new MaxPool2d(7).Forward(X)).Message);
    }
}
