using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class SequentialTests
{
    [Fact]
    public void ChainsModulesAndNamesThemByPosition()
    {
        var gen = new Generator(1);
        var net = new Sequential(new Linear(3, 4, gen), new ReLU(), new Linear(4, 2, gen));
        Assert.Equal(3, net.Count);
        Assert.IsType<ReLU>(net[1]);
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, net.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "0", "1", "2" }, net.NamedChildren().Select(c => c.Name));
        var x = Tensor.Randn(gen, 5, 3);
        var expected = net[2].Forward(net[1].Forward(net[0].Forward(x)));
        Assert.Equal(expected.ToFloatArray(), net.Forward(x).ToFloatArray());
        Assert.Equal(3, net.Count());
    }

    [Fact]
    public void AddAppendsAndFollowsTheMode()
    {
        var net = new Sequential();
        Assert.Empty(net);
        var x = Tensor.Ones(2);
        Assert.Same(x, net.Forward(x));
        net.Eval();
        var d = new Dropout(0.5, new Generator(1));
        net.Add(new Identity()).Add(d);
        Assert.False(d.IsTraining);
        net.Train();
        Assert.True(d.IsTraining);
        Assert.Equal(2, net.Count);
    }

    [Fact]
    public void ParameterCountOfTheNotesMnistNet()
    {
        // Note 002 L855: 784 → 50 → 10 has (39200 + 50) + (500 + 10) = 39,760 parameters.
        var net = Mlp.Create([784, 50, 10], Activation.Sigmoid, new Generator(1));
        Assert.Equal(39_760, net.ParameterCount());
    }

    [Fact]
    public void ErrorsAreClear()
    {
        var net = new Sequential(new ReLU());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net[3]);
        Assert.Contains("index 3 is out of range for 1 modules", e.Message);
        Assert.Throws<ArgumentException>(() => net.Add(net[0]));
        Assert.Throws<ArgumentException>(() => net.Add(net));
    }
}
