using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>LayerNorm as <c>torch.nn.LayerNorm</c>: γ = 1 and β = 0 of the normalized shape, the functional form in both modes, the options and the errors.</summary>
public class LayerNormTests
{
    [Fact]
    public void ParametersFollowPyTorch()
    {
        var ln = new LayerNorm([3, 4]);
        Assert.Equal(["weight", "bias"], ln.NamedParameters().Select(p => p.Name));
        Assert.Equal([3, 4], ln.Weight!.Shape.ToArray());
        Assert.All(ln.Weight.ToFloatArray(), v => Assert.Equal(1f, v));
        Assert.All(ln.Bias!.ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.Empty(ln.Buffers());
        Assert.Equal([3, 4], ln.NormalizedShape.ToArray());
        Assert.Empty(new LayerNorm(4, elementwiseAffine: false).Parameters());
        Assert.Equal(["weight"], new LayerNorm(4, bias: false).NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void ForwardIsTheFunctionalFormInBothModes()
    {
        var x = Tensor.Normal(new Generator(2), 3, 2, DType.Float32, 5, 3, 4);
        var ln = new LayerNorm([3, 4], eps: 1e-3);
        var expected = x.LayerNorm([3, 4], ln.Weight, ln.Bias, 1e-3).ToFloatArray();
        Assert.Equal(expected, ln.Forward(x).ToFloatArray());
        ln.Eval();
        Assert.Equal(expected, ln.Forward(x).ToFloatArray());
        Assert.Equal(x.LayerNorm([4]).ToFloatArray(), new LayerNorm(4).Forward(x).ToFloatArray());
    }

    [Fact]
    public void BadShapesAndArgumentsAreRefused()
    {
        Assert.StartsWith("layer_norm: input [5, 4] does not fit normalizedShape [3]",
            Assert.Throws<ShapeException>(() => new LayerNorm(3).Forward(Tensor.Zeros(5, 4))).Message);
        Assert.StartsWith("LayerNorm: normalizedShape is empty", Assert.Throws<ArgumentException>(() => new LayerNorm(Array.Empty<int>())).Message);
        Assert.StartsWith("LayerNorm: normalizedShape must be > 0, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm([3, 0])).Message);
        Assert.StartsWith("LayerNorm: dtype mismatch", Assert.Throws<ArgumentException>(() => new LayerNorm(3).Forward(Tensor.Zeros(DType.Float64, 2, 3))).Message);
    }
}
