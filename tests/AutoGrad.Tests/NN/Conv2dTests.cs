using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class Conv2dTests
{
    [Fact]
    public void HoldsItsArgumentsAndParameters()
    {
        var layer = new Conv2d(4, 6, 3, new Generator(1), stride: (2, 1), padding: 1, groups: 2);
        Assert.Equal((4, 6, 2), (layer.InChannels, layer.OutChannels, layer.Groups));
        Assert.Equal(new Size2(3, 3), layer.KernelSize);
        Assert.Equal(new Size2(2, 1), layer.Stride);
        Assert.Equal(new Size2(1, 1), layer.Padding);
        Assert.Equal(new Size2(1, 1), layer.Dilation);
        Assert.Equal([6, 2, 3, 3], layer.Weight.Shape.ToArray());
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Equal(new double[6], layer.Bias!.ToDoubleArray());
        Assert.Equal("Conv2d(4 -> 6, kernel_size 3, stride (2, 1), padding 1, dilation 1, groups 2)", layer.ToString());
        Assert.Null(new Conv2d(1, 1, 1, new Generator(1), bias: false).Bias);
    }

    [Fact]
    public void WeightsAreHeUniformPerFanIn()
    {
        // fan_in = C_in/groups·kH·kW = 8·3·3 = 72: U[−√(6/72), √(6/72)), variance 2/72.
        var w = new Conv2d(16, 64, 3, new Generator(2), groups: 2).Weight.ToDoubleArray();
        double bound = Math.Sqrt(6.0 / 72);
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        double variance = w.Select(v => v * v).Average();
        Assert.InRange(variance, 2.0 / 72 * 0.9, 2.0 / 72 * 1.1);
        Assert.Equal(w, new Conv2d(16, 64, 3, new Generator(2), groups: 2).Weight.ToDoubleArray());
    }

    [Fact]
    public void ForwardIsTheFunctionalConvolutionAndGradientsReachTheParameters()
    {
        var gen = new Generator(3);
        var layer = new Conv2d(3, 5, (3, 2), gen, stride: 2, padding: (1, 0), dilation: (1, 2), dtype: DType.Float64);
        Init.Normal(layer.Bias!, 0, 1, gen);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 2, 3, 7, 8);
        var y = layer.Forward(x);
        Assert.Equal(Tensor.Conv2d(x, layer.Weight, layer.Bias, 2, (1, 0), (1, 2)).ToDoubleArray(), y.ToDoubleArray());
        Assert.Equal([2, 5, 4, 3], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal([5, 3, 3, 2], layer.Weight.Grad!.Shape.ToArray());
        // dL/db = Σ_{n,i,j} 1 = N·H_out·W_out.
        Assert.All(layer.Bias!.Grad!.ToDoubleArray(), v => Assert.Equal(2 * 4 * 3, v));
        // An unbatched input gives the batch-of-one result without the batch axis.
        Assert.Equal(layer.Forward(x.Select(0, 1)).ToDoubleArray(), y.Select(0, 1).ToDoubleArray());
    }

    [Fact]
    public void FromWeightsUsesTheTensorsThemselves()
    {
        var w = Tensor.Ones(DType.Float64, 2, 1, 2, 2);
        var b = Tensor.From(DType.Float64, [0.5, -1], 2);
        var layer = Conv2d.FromWeights(w, b, groups: 2);
        Assert.Same(w, layer.Weight);
        Assert.Equal((2, 2, 2), (layer.InChannels, layer.OutChannels, layer.Groups));
        var x = Tensor.From(DType.Float64, [1, 2, 3, 4, 10, 20, 30, 40], 1, 2, 2, 2);
        Assert.Equal([10.5, 99], layer.Forward(x).ToDoubleArray());
    }

    [Fact]
    public void AScopedTrainingStepOfTwoConvLayersAllocatesAtMost512Bytes()
    {
        // The im2col scratch is a pooled tensor and the parallel loop reuses its job, so a steady-state
        // step allocates nothing of its own, like the MLP's.
        var gen = new Generator(5);
        var model = new Sequential(new Conv2d(1, 8, 3, gen, padding: 1), new ReLU(), new Conv2d(8, 16, 3, gen, stride: 2, padding: 1));
        var x = Tensor.Rand(gen, 16, 1, 12, 12);
        var parameters = model.Parameters().ToArray(); // Module.ZeroGrad enumerates them, which allocates
        void Step()
        {
            using var scope = AutoGrad.Memory.StepScope.Begin();
            foreach (var p in parameters) p.ZeroGrad();
            model.Forward(x).Square().Mean().Backward();
        }
        for (int i = 0; i < 5; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 20;
        for (int i = 0; i < n; i++) Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / n;
        Assert.True(perStep <= 512, $"a scoped conv step allocated {perStep} bytes (budget 512)");
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var gen = new Generator(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(0, 2, 3, gen));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(2, 2, (3, 0), gen));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(2, 2, 3, gen, stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(2, 2, 3, gen, padding: (0, -1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(2, 2, 3, gen, dilation: 0));
        Assert.StartsWith("Conv2d: groups 2 must divide inChannels 3 and outChannels 4", Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, gen, groups: 2)).Message);
        Assert.Throws<ShapeException>(() => Conv2d.FromWeights(Tensor.Zeros(2, 2, 3)));
        Assert.Throws<ShapeException>(() => Conv2d.FromWeights(Tensor.Zeros(2, 2, 3, 3), Tensor.Zeros(3)));
        var e = Assert.Throws<ShapeException>(() => new Conv2d(3, 4, 3, gen).Forward(Tensor.Zeros(1, 2, 5, 5)));
        Assert.StartsWith("conv2d: input [1, 2, 5, 5] and weight [4, 3, 3, 3]", e.Message);
    }
}
