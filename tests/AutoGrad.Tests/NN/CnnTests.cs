using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.NN;

public class CnnTests
{
    [Fact]
    public void TheAnchorsNetworkHasItsLayersAndShapes()
    {
        var net = Cnn.Create(1, 28, 28, [32, 64], [128], 10, new Generator(1));
        Assert.Equal(["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear"], net.Select(m => m.GetType().Name));
        // 32·(1·9 + 1) + 64·(32·9 + 1) + 3136·128 + 128 + 128·10 + 10
        Assert.Equal(320 + 18496 + 401536 + 1290, net.ParameterCount());
        Assert.Equal([2, 10], net.Forward(Tensor.Rand(new Generator(2), 2, 1, 28, 28)).Shape.ToArray());
    }

    [Fact]
    public void BatchNormReplacesTheConvolutionsBiasAndRowsAreReadAsImages()
    {
        var net = Cnn.Create(1, 8, 8, [4, 8], [], 10, new Generator(1), batchNorm: true, dropout: 0.5, flattenInput: true);
        Assert.Equal(["Unflatten", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Linear"], net.Select(m => m.GetType().Name));
        Assert.All(net.OfType<Conv2d>(), c => Assert.Null(c.Bias));
        Assert.Equal([3, 10], net.Forward(Tensor.Rand(new Generator(2), 3, 64)).Shape.ToArray());
        Assert.DoesNotContain(net, m => m is Dropout); // no hidden dense layer, so nothing to drop
    }

    [Fact]
    public void TooManyBlocksAndBadSizesAreRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Cnn.Create(1, 8, 8, [4, 4, 4, 4], [], 10, new Generator(1)));
        Assert.Contains("4 conv blocks halve a 8×8 image 4 times, below one pixel after block 3; use at most 3 blocks", e.Message);
        Assert.Contains("conv block 1 has 0 channels", Assert.Throws<ArgumentOutOfRangeException>(() => Cnn.Create(1, 8, 8, [4, 0], [], 10, new Generator(1))).Message);
        Assert.Contains("hidden size -3", Assert.Throws<ArgumentOutOfRangeException>(() => Cnn.Create(1, 8, 8, [4], [-3], 10, new Generator(1))).Message);
    }

    [Fact]
    public void ACapturedCnnStepReplaysWithoutAllocating()
    {
        // Convolutions, batch norm (running statistics), pooling, dropout and the momentum update, all replayed.
        var rng = new Generator(3);
        var net = Cnn.Create(1, 8, 8, [4, 8], [16], 10, rng, batchNorm: true, dropout: 0.2);
        var opt = new Momentum(net, learningRate: 0.05);
        var x = Tensor.Rand(rng, 16, 1, 8, 8);
        var y = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        var plan = StepPlan.Capture(() =>
        {
            opt.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(net.Forward(x), y);
            loss.Backward();
            opt.Step();
            return loss;
        }, y);
        double first = plan.Run().Item();
        for (int i = 0; i < 3; i++) plan.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(plan.Run().Item() < first, "replayed steps train the network");
    }
}
