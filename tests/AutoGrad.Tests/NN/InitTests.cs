using AutoGrad.Losses;
using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average());
        return (mean, std, v.Min(), v.Max());
    }

    // A 400 × 300 weight has 120,000 samples: the sample std is within ~0.4% of the true one.
    private static Tensor Weight() => Tensor.Zeros(DType.Float64, 400, 300);

    [Fact]
    public void FansFollowTheInOutLayout()
    {
        Assert.Equal((400, 300), Init.Fans([400, 300]));
        Assert.Equal((7, 7), Init.Fans([7]));
        // A convolution weight [out, in/groups, k...], as in PyTorch: fan_in = in/groups·∏k, fan_out = out·∏k.
        Assert.Equal((3 * 4, 2 * 4), Init.Fans([2, 3, 4]));
        Assert.Equal((16 * 9, 32 * 9), Init.Fans([32, 16, 3, 3]));
        Assert.Throws<ArgumentException>(() => Init.Fans([]));
        Assert.Throws<ArgumentException>(() => Init.Fans([4, 0, 3, 3]));
        Assert.Throws<ArgumentException>(() => Init.Fans([0, 3]));
    }

    [Theory]
    [InlineData("lecun", 0.05)]          // 1/√400: the notes' rule (note 001 L217, intended 1/√n)
    [InlineData("xavier", 0.0534522484)] // √(2/700)
    [InlineData("he", 0.0707106781)]     // √(2/400)
    public void NormalSchemesHaveTheirStandardDeviation(string scheme, double std)
    {
        var g = new Generator(1);
        var w = scheme switch
        {
            "lecun" => Init.LeCunNormal(Weight(), g),
            "xavier" => Init.XavierNormal(Weight(), g),
            _ => Init.HeNormal(Weight(), g),
        };
        var s = Stats(w);
        Assert.InRange(s.Mean, -0.01 * std * 3, 0.01 * std * 3);
        Assert.InRange(s.Std, std * 0.98, std * 1.02);
    }

    [Theory]
    [InlineData("xavier", 0.0925820100)] // √(6/700)
    [InlineData("he", 0.1224744871)]     // √(6/400)
    public void UniformSchemesHaveTheirBound(string scheme, double bound)
    {
        var g = new Generator(2);
        var w = scheme == "xavier" ? Init.XavierUniform(Weight(), g) : Init.HeUniform(Weight(), g);
        var s = Stats(w);
        Assert.True(s.Min >= -bound && s.Max < bound);
        Assert.True(s.Min < -0.99 * bound && s.Max > 0.99 * bound);
        Assert.InRange(s.Std, bound / Math.Sqrt(3) * 0.98, bound / Math.Sqrt(3) * 1.02);
    }

    [Fact]
    public void UniformNormalZerosAndConstant()
    {
        var g = new Generator(3);
        var u = Stats(Init.Uniform(Weight(), -0.5, 1.5, g));
        Assert.True(u.Min >= -0.5 && u.Max < 1.5);
        Assert.InRange(u.Mean, 0.49, 0.51);
        var n = Stats(Init.Normal(Weight(), 3, 0.1, g));
        Assert.InRange(n.Mean, 2.999, 3.001);
        Assert.InRange(n.Std, 0.098, 0.102);
        Assert.All(Init.Zeros(Tensor.Ones(3, 2)).ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(Init.Constant(Tensor.Ones(3, 2), 0.7).ToDoubleArray(), v => Assert.Equal(0.7, v, 6));
    }

    [Fact]
    public void GainScalesXavier()
    {
        var a = Init.XavierNormal(Tensor.Zeros(DType.Float64, 10, 20), new Generator(4));
        var b = Init.XavierNormal(Tensor.Zeros(DType.Float64, 10, 20), new Generator(4), gain: 2);
        var av = a.ToDoubleArray();
        var bv = b.ToDoubleArray();
        for (int i = 0; i < av.Length; i++) Assert.Equal(2 * av[i], bv[i], 12);
    }

    [Fact]
    public void SameSeedSameValues()
    {
        foreach (var init in new[] { Initializer.LeCunNormal, Initializer.XavierNormal, Initializer.XavierUniform, Initializer.HeNormal, Initializer.HeUniform, Initializer.StandardNormal, Initializer.Uniform(-1, 1), Initializer.Normal(0, 2) })
        {
            var a = Tensor.Zeros(5, 4);
            var b = Tensor.Zeros(5, 4);
            init.Apply(a, new Generator(10));
            init.Apply(b, new Generator(10));
            Assert.Equal(a.ToFloatArray(), b.ToFloatArray());
            Assert.Contains(a.ToFloatArray(), v => v != 0);
        }
    }

    [Fact]
    public void InitializingAParameterWhileRecordingIsAllowed()
    {
        var layer = new Linear(3, 2, new Generator(1));
        Init.Zeros(layer.Weight);
        Assert.All(layer.Weight.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.True(layer.Weight.RequiresGrad);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var g = new Generator(1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Init.Normal(Tensor.Zeros(2), 0, -1, g));
        Assert.Contains("std", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Uniform(Tensor.Zeros(2), 1, 0, g));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Constant(Tensor.Zeros(2), double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.XavierNormal(Tensor.Zeros(2), 2, 2, g, gain: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.HeNormal(Tensor.Zeros(2), 0, g));
        Assert.Throws<ArgumentException>(() => Init.LeCunNormal(Tensor.Scalar(1), g));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializer.Uniform(2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializer.Normal(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializer.Constant(double.PositiveInfinity));
    }

    // ---- the symmetry problem (note 000 L619-624, note 002 L811-833, note 004 L316-326) ----

    private static Sequential TwoLayerNet(Initializer init) =>
        new(new Linear(3, 4, new Generator(8), init, dtype: DType.Float64), new Sigmoid(), new Linear(4, 1, new Generator(9), init, dtype: DType.Float64));

    private static void TrainSteps(Sequential net, int steps)
    {
        var gen = new Generator(12);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 16, 3);
        var y = Tensor.Normal(gen, 0, 1, DType.Float64, 16, 1);
        for (int s = 0; s < steps; s++)
        {
            net.ZeroGrad();
            Loss.HalfSquaredError(net.Forward(x), y).Backward();
            Tests.Support.PlainSgd.Step(net.Parameters(), 0.05);
        }
    }

    private static bool HiddenUnitsIdentical(Sequential net)
    {
        // Hidden unit j's incoming weights are column j of W₁ [in, hidden].
        var w = ((Linear)net[0]).Weight;
        for (int j = 1; j < 4; j++)
            for (int i = 0; i < 3; i++)
                if (Math.Abs(w[i, j] - w[i, 0]) > 1e-12) return false;
        return true;
    }

    [Fact]
    public void ConstantInitKeepsHiddenUnitsIdenticalForever()
    {
        var net = TwoLayerNet(Initializer.Constant(0.3));
        TrainSteps(net, 50);
        Assert.True(HiddenUnitsIdentical(net));
        Assert.NotEqual(0.3, ((Linear)net[0]).Weight[0, 0], 6); // they moved, but together
    }

    [Fact]
    public void ZeroInitGivesTheFirstLayerNoGradientAtFirst()
    {
        // With W = 0 the output-layer gradient is δ·h_j = δ·½ for every j and the hidden gradient
        // δ·w_j^(2)·… is 0 (note 000, derived from L619-624).
        var net = TwoLayerNet(Initializer.Zeros);
        TrainSteps(net, 1);
        Assert.All(((Linear)net[0]).Weight.ToDoubleArray(), v => Assert.Equal(0, v));
        var w2 = ((Linear)net[2]).Weight.ToDoubleArray();
        Assert.All(w2, v => Assert.Equal(w2[0], v, 12));
        TrainSteps(net, 30);
        Assert.True(HiddenUnitsIdentical(net));
    }

    [Fact]
    public void RandomInitBreaksTheSymmetry()
    {
        var net = TwoLayerNet(Initializer.LeCunNormal);
        TrainSteps(net, 5);
        Assert.False(HiddenUnitsIdentical(net));
    }
}
