using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.NN;

public class MlpTests
{
    private static string Layout(Sequential net) => string.Join(" ", net.Select(m => m switch
    {
        Linear l => $"L{l.InFeatures}x{l.OutFeatures}",
        Dropout d => $"D{d.P}",
        _ => m.GetType().Name,
    }));

    [Fact]
    public void BuildsLinearActivationLayersWithALinearOutput()
    {
        var net = Mlp.Create([4, 8, 6, 3], Activation.ReLU, new Generator(1));
        Assert.Equal("L4x8 ReLU L8x6 ReLU L6x3", Layout(net));
        Assert.Equal("L5x2", Layout(Mlp.Create([5, 2], Activation.Tanh, new Generator(1))));
        Assert.Equal([7, 3], net.Forward(Tensor.Ones(7, 4)).Shape.ToArray());
    }

    [Fact]
    public void DropoutGoesAfterHiddenActivationsAndOptionallyOnTheInputs()
    {
        var net = Mlp.Create([4, 8, 6, 3], Activation.Sigmoid, new Generator(1), dropout: 0.5, inputDropout: 0.2, dropoutMode: DropoutMode.ScaleAtTest);
        Assert.Equal("D0.2 L4x8 Sigmoid D0.5 L8x6 Sigmoid D0.5 L6x3", Layout(net));
        Assert.All(net.OfType<Dropout>(), d => Assert.Equal(DropoutMode.ScaleAtTest, d.Mode));
    }

    [Fact]
    public void DropoutDoesNotChangeTheInitialWeights()
    {
        var plain = Mlp.Create([4, 8, 3], Activation.ReLU, new Generator(5));
        var dropped = Mlp.Create([4, 8, 3], Activation.ReLU, new Generator(5), dropout: 0.3, inputDropout: 0.1);
        var a = plain.Parameters().Select(p => p.ToFloatArray()).ToList();
        var b = dropped.Parameters().Select(p => p.ToFloatArray()).ToList();
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
    }

    [Fact]
    public void EvalModeIsDeterministicAndEqualsTheNetWithoutDropout()
    {
        var plain = Mlp.Create([4, 8, 3], Activation.Tanh, new Generator(5));
        var dropped = Mlp.Create([4, 8, 3], Activation.Tanh, new Generator(5), dropout: 0.5);
        var x = Tensor.Randn(new Generator(6), 3, 4);
        Assert.NotEqual(dropped.Forward(x).ToFloatArray(), dropped.Forward(x).ToFloatArray());
        dropped.Eval();
        Assert.Equal(plain.Forward(x).ToFloatArray(), dropped.Forward(x).ToFloatArray());
    }

    [Fact]
    public void ACustomActivationFactoryComposesANovelUnit()
    {
        var net = Mlp.Create([2, 3, 1], () => new Swish(), new Generator(1));
        Assert.IsType<Swish>(net[1]);
        Assert.NotSame(net[1], Mlp.Create([2, 3, 3, 1], () => new Swish(), new Generator(1))[1]);
    }

    private sealed class Swish : Module
    {
        public override Tensor Forward(Tensor input) => input * input.Sigmoid();
    }

    [Fact]
    public void SolvesXor()
    {
        var x = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var y = Tensor.FromArray(new float[] { 0, 1, 1, 0 });
        var net = Mlp.Create([2, 8, 1], Activation.Tanh, new Generator(3), init: Initializer.XavierNormal);
        for (int step = 0; step < 2000; step++)
        {
            net.ZeroGrad();
            Loss.BinaryCrossEntropyWithLogits(net.Forward(x).Squeeze(-1), y).Backward();
            PlainSgd.Step(net.Parameters(), 0.5);
        }
        var logits = net.Forward(x).ToDoubleArray();
        Assert.Equal([0, 1, 1, 0], logits.Select(z => z > 0 ? 1 : 0));
    }

    [Fact]
    public void ReachesGoodHeldOutAccuracyOnDigits()
    {
        var d = DigitsSplit.Load();
        var gen = new Generator(11);
        var net = Mlp.Create([64, 64, 10], Activation.ReLU, gen, init: Initializer.HeNormal);
        PlainSgd.Train(net, (m, xb, yb) => Loss.SoftmaxCrossEntropy(m.Forward(xb), yb), d.TrainX, d.TrainY, epochs: 10, batchSize: 32, learningRate: 0.1, gen);
        double accuracy = PlainSgd.Accuracy(net.Forward(d.TestX), d.TestY);
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:P2}");
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var g = new Generator(1);
        var e = Assert.Throws<ArgumentException>(() => Mlp.Create([4], Activation.ReLU, g));
        Assert.Contains("at least the input and output sizes", e.Message);
        var s = Assert.Throws<ArgumentOutOfRangeException>(() => Mlp.Create([4, 0, 2], Activation.ReLU, g));
        Assert.Contains("size 0 at position 1", s.Message);
        var p = Assert.Throws<ArgumentOutOfRangeException>(() => Mlp.Create([4, 2], Activation.ReLU, g, dropout: 1));
        Assert.Contains("dropout must be in [0, 1), got 1", p.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mlp.Create([4, 2], Activation.ReLU, g, inputDropout: -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mlp.Create([4, 2], (Activation)9, g));
        Assert.Throws<ArgumentException>(() => Mlp.Create([4, 3, 2], () => null!, g));
    }
}
