using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class Conv1dTests
{
    [Fact]
    public void HoldsItsArgumentsAndParameters()
    {
        var layer = new Conv1d(2, 4, 5, new Generator(1), stride: 2, padding: 1, dilation: 3);
        Assert.Equal((2, 4, 5, 2, 1, 3, 1), (layer.InChannels, layer.OutChannels, layer.KernelSize, layer.Stride, layer.Padding, layer.Dilation, layer.Groups));
        Assert.Equal([4, 2, 5], layer.Weight.Shape.ToArray());
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Equal("Conv1d(2 -> 4, kernel_size 5, stride 2, padding 1, dilation 3, groups 1)", layer.ToString());
        Assert.Null(new Conv1d(1, 1, 1, new Generator(1), bias: false).Bias);
    }

    [Fact]
    public void WeightsAreHeUniformPerFanIn()
    {
        // fan_in = C_in/groups·k = 4·5 = 20.
        var w = new Conv1d(8, 64, 5, new Generator(2), groups: 2).Weight.ToDoubleArray();
        double bound = Math.Sqrt(6.0 / 20);
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.InRange(w.Select(v => v * v).Average(), 2.0 / 20 * 0.9, 2.0 / 20 * 1.1);
    }

    [Fact]
    public void ForwardIsTheFunctionalConvolution()
    {
        var gen = new Generator(3);
        var layer = new Conv1d(3, 6, 3, gen, stride: 2, padding: 2, groups: 3, dtype: DType.Float64);
        Init.Normal(layer.Bias!, 0, 1, gen);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 3, 9);
        var y = layer.Forward(x);
        Assert.Equal([4, 6, 6], y.Shape.ToArray());
        Assert.Equal(Tensor.Conv1d(x, layer.Weight, layer.Bias, 2, 2, 1, 3).ToDoubleArray(), y.ToDoubleArray());
        y.Sum().Backward();
        Assert.All(layer.Bias!.Grad!.ToDoubleArray(), v => Assert.Equal(4 * 6, v));
        Assert.Equal(layer.Forward(x.Select(0, 2)).ToDoubleArray(), y.Select(0, 2).ToDoubleArray());
    }

    [Fact]
    public void FromWeightsAndBadArguments()
    {
        // A moving sum of width 2 over one channel: [1, 2, 3, 4] -> [3, 5, 7] + 1.
        var layer = Conv1d.FromWeights(Tensor.Ones(DType.Float64, 1, 1, 2), Tensor.Ones(DType.Float64, 1));
        Assert.Equal([4, 6, 8], layer.Forward(Tensor.From(DType.Float64, [1, 2, 3, 4], 1, 1, 4)).ToDoubleArray());
        var gen = new Generator(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1d(2, 2, 0, gen));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1d(2, 2, 3, gen, stride: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1d(2, 2, 3, gen, padding: -1));
        Assert.Throws<ArgumentException>(() => new Conv1d(2, 3, 3, gen, groups: 2));
        Assert.Throws<ShapeException>(() => Conv1d.FromWeights(Tensor.Zeros(2, 2)));
        Assert.StartsWith("conv1d: input has shape [1, 2, 5, 5]", Assert.Throws<ShapeException>(() => new Conv1d(2, 2, 3, gen).Forward(Tensor.Zeros(1, 2, 5, 5))).Message);
    }
}
