using AutoGrad.Checking;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.NN;

public class RegularizationTests
{
    private static Linear Layer() =>
        Linear.FromWeights(Tensor.FromArray(new double[,] { { 1, -2 }, { 0, 3 } }), Tensor.FromArray(new double[] { 5, -5 }));

    [Fact]
    public void L2IsHalfLambdaTimesSumOfSquaredWeights()
    {
        // (λ/2)·Σw² over the weights only: (0.1/2)·(1 + 4 + 0 + 9) = 0.7.
        Assert.Equal(0.7, Regularization.L2Penalty(Layer(), 0.1).Item(), 12);
        Assert.Equal(0.7 + 0.05 * 50, Regularization.L2Penalty(Layer(), 0.1, includeBiases: true).Item(), 12);
    }

    [Fact]
    public void L1IsLambdaTimesSumOfAbsoluteWeights()
    {
        Assert.Equal(0.6, Regularization.L1Penalty(Layer(), 0.1).Item(), 12);
        Assert.Equal(1.6, Regularization.L1Penalty(Layer(), 0.1, includeBiases: true).Item(), 12);
    }

    [Fact]
    public void GradientsAreLambdaWAndLambdaSignW()
    {
        var layer = Layer();
        Regularization.L2Penalty(layer, 0.1).Backward();
        Assert.Equal([0.1, -0.2, 0, 0.3], layer.Weight.Grad!.ToDoubleArray().Select(v => Math.Round(v, 12)));
        Assert.Null(layer.Bias!.Grad); // biases are left out by default (note 001 L537)
        layer.ZeroGrad();
        Regularization.L1Penalty(layer, 0.1).Backward();
        Assert.Equal([0.1, -0.1, 0, 0.1], layer.Weight.Grad!.ToDoubleArray().Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void WeightDecayGradientOfNote003()
    {
        // C = l + (λ/2)Σw², dC/dw = dl/dw + λw (note 003 L1334).
        var gen = new Generator(4);
        var model = new Linear(3, 2, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 5, 3);
        var y = Tensor.Normal(gen, 0, 1, DType.Float64, 5, 2);
        Loss.HalfSquaredError(model.Forward(x), y).Backward();
        var dl = model.Weight.Grad!.Clone();
        model.ZeroGrad();
        (Loss.HalfSquaredError(model.Forward(x), y) + Regularization.L2Penalty(model, 0.3)).Backward();
        LinearTests.AssertClose(dl + model.Weight.Detach() * 0.3, model.Weight.Grad!);
    }

    [Fact]
    public void SgdStepWithL2IsMultiplicativeDecay()
    {
        // w ← w(1 − ηλ) − η·dl/dw (note 001 L547 with its λ/n folded into λ).
        var gen = new Generator(6);
        var model = new Linear(2, 1, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 2);
        var y = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 1);
        double eta = 0.1, lambda = 0.5;
        var w0 = model.Weight.Detach().Clone();
        Loss.HalfSquaredError(model.Forward(x), y).Backward();
        var dl = model.Weight.Grad!.Clone();
        model.ZeroGrad();
        (Loss.HalfSquaredError(model.Forward(x), y) + Regularization.L2Penalty(model, lambda)).Backward();
        PlainSgd.Step(model.Parameters(), eta);
        LinearTests.AssertClose(w0 * (1 - eta * lambda) - dl * eta, model.Weight);
    }

    [Fact]
    public void L1StepMovesEachWeightAConstantAmountTowardZero()
    {
        // w ← w − ηλ·sgn(w) (note 001 L560), with no data term.
        var layer = Layer();
        Regularization.L1Penalty(layer, 0.5).Backward();
        PlainSgd.Step(layer.Parameters(), 0.2);
        Assert.Equal([0.9, -1.9, 0, 2.9], layer.Weight.ToDoubleArray().Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void PenaltiesPassAGradientCheck()
    {
        var gen = new Generator(9);
        var a = Tensor.Normal(gen, 0, 1, DType.Float64, 3, 2).RequireGrad();
        var b = Tensor.Normal(gen, 0, 1, DType.Float64, 4).RequireGrad();
        GradCheck.Assert(xs => Regularization.L2Penalty(xs, 0.4) + Regularization.L1Penalty(xs, 0.2), [a, b]);
    }

    [Fact]
    public void AModelWithoutWeightsHasZeroPenalty()
    {
        Assert.Equal(0, Regularization.L2Penalty(new Sequential(new ReLU()), 1).Item());
        Assert.Equal(0, Regularization.L1Penalty(new Sequential(new Linear(2, 2, new Generator(1), Initializer.Zeros)), 1).Item());
    }

    [Fact]
    public void PenaltiesCoverEveryLayerOfAnMlp()
    {
        var net = Mlp.Create([3, 4, 2], Activation.Tanh, new Generator(2), dtype: DType.Float64);
        double expected = net.Weights().Sum(w => w.ToDoubleArray().Sum(v => v * v)) * 0.05;
        Assert.Equal(expected, Regularization.L2Penalty(net, 0.1).Item(), 12);
        Assert.Equal(2, net.Weights().Count());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void LambdaMustBeFiniteAndNonNegative(double lambda)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Regularization.L2Penalty(Layer(), lambda));
        Assert.StartsWith($"Regularization.L2Penalty: lambda must be a finite number ≥ 0, got {lambda}", e.Message);
        var l1 = Assert.Throws<ArgumentOutOfRangeException>(() => Regularization.L1Penalty(Layer(), lambda));
        Assert.StartsWith($"Regularization.L1Penalty: lambda must be a finite number ≥ 0, got {lambda}", l1.Message);
        Assert.DoesNotContain("E+308", e.Message + l1.Message);
    }

    [Fact]
    public void MixedDTypesAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Regularization.L2Penalty([Tensor.Ones(2), Tensor.Ones(DType.Float64, 2)], 1));
        Assert.Contains("dtype mismatch", e.Message);
    }
}
