using AutoGrad.Autograd;
using AutoGrad.Losses;
using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class PerceptronTests
{
    // Boolean inputs and ±1 labels (the notes' truth-table figures are lost; this is the usual encoding).
    private static readonly Tensor Inputs = Tensor.FromArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
    private static Tensor Labels(params double[] y) => Tensor.FromArray(y);
    private static readonly Tensor And = Labels(-1, -1, -1, 1);
    private static readonly Tensor Or = Labels(-1, 1, 1, 1);
    private static readonly Tensor Xor = Labels(-1, 1, 1, -1);

    [Fact]
    public void DummyFeatureIsPrepended()
    {
        Assert.Equal([1.0, 0, 1, 1, 1, 1], Perceptron.AddDummyFeature(Tensor.FromArray(new double[,] { { 0, 1 }, { 1, 1 } })).ToDoubleArray());
        Assert.Equal([1.0, 5, 6], Perceptron.AddDummyFeature(Tensor.FromArray(new double[] { 5, 6 })).ToDoubleArray());
        Assert.Throws<ShapeException>(() => Perceptron.AddDummyFeature(Tensor.Zeros(1, 2, 3)));
    }

    [Fact]
    public void StartsAtZeroAndPredictsMinusOne()
    {
        // w = 0 and sgn(0) = −1: the first prediction is always −1 (note 000 L129, L167).
        var p = new Perceptron(2, DType.Float64);
        Assert.All(p.Weight.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.Equal([-1.0, -1, -1, -1], p.Forward(Inputs).ToDoubleArray());
        Assert.Equal(["weight"], p.NamedParameters().Select(n => n.Name));
    }

    [Fact]
    public void ScoreIsBiasPlusDotProduct()
    {
        var p = new Perceptron(2, DType.Float64);
        using (Tape.NoGrad()) p.Weight.CopyFrom(Tensor.FromArray(new[] { -1.5, 1, 1 }));
        Assert.Equal([-1.5, -0.5, -0.5, 0.5], p.Scores(Inputs).ToDoubleArray());
        Assert.Equal([-1.0, -1, -1, 1], p.Forward(Inputs).ToDoubleArray());
    }

    /// <summary>
    /// One SGD step (learning rate 1) on the perceptron criterion of one example, through the tape,
    /// against the notes' rule w ← w + ((y − ŷ)/2)·x, for scores below, at and above 0 and both labels.
    /// </summary>
    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(1.0, -2.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(-1.0, 2.0)]
    [InlineData(-1.0, -2.0)]
    [InlineData(-1.0, 0.0)]
    public void TapeStepIsThePerceptronRule(double y, double bias)
    {
        var p = new Perceptron(2, DType.Float64);
        using (Tape.NoGrad()) p.Weight.CopyFrom(Tensor.FromArray(new[] { bias, 0.5, -0.5 }));
        var x = Tensor.FromArray(new[] { 1.0, 1 }); // ⟨w, (1, x)⟩ = bias
        var w0 = p.Weight.ToDoubleArray();
        double yhat = p.Forward(x).Item();
        Assert.Equal(bias > 0 ? 1 : -1, yhat);

        Loss.PerceptronCriterion(p.Scores(x), Tensor.Scalar(y, DType.Float64)).Backward();
        using (Tape.NoGrad()) p.Weight.CopyFrom(p.Weight - p.Weight.Grad! * 1.0);

        var xAug = new[] { 1.0, 1, 1 };
        double factor = (y - yhat) / 2; // 0, or ±1 on a mistake
        for (int j = 0; j < 3; j++) Assert.Equal(w0[j] + factor * xAug[j], p.Weight[j], 12);
        Assert.Equal(y != yhat ? -y : 0, p.Weight.Grad![0], 12); // the criterion's gradient at the score
    }

    [Fact]
    public void ConvergesOnAnd()
    {
        var p = new Perceptron(2);
        var r = p.Fit(Inputs, And, maxEpochs: 100);
        Assert.True(r.Converged);
        Assert.Equal(0, r.MistakesPerEpoch[^1]);
        Assert.Equal(r.Epochs, r.MistakesPerEpoch.Count);
        Assert.Equal(And.ToDoubleArray(), p.Forward(Inputs.To(DType.Float32)).ToDoubleArray());
    }

    [Fact]
    public void ConvergesOnOr()
    {
        var p = new Perceptron(2);
        var r = p.Fit(Inputs, Or, maxEpochs: 100);
        Assert.True(r.Converged);
        Assert.Equal(Or.ToDoubleArray(), p.Forward(Inputs.To(DType.Float32)).ToDoubleArray());
    }

    [Fact]
    public void NeverConvergesOnXor()
    {
        // XOR is not linearly separable: every epoch makes a mistake (note 000 L182).
        var p = new Perceptron(2);
        var r = p.Fit(Inputs, Xor, maxEpochs: 1000);
        Assert.False(r.Converged);
        Assert.Equal(1000, r.Epochs);
        Assert.All(r.MistakesPerEpoch, m => Assert.True(m > 0));
    }

    [Fact]
    public void WeightsChangeOnlyOnMistakesByPlusOrMinusX()
    {
        // Replays Fit's first epoch on AND by hand with the notes' rule and compares.
        var w = new double[3];
        var xs = Inputs.ToDoubleArray();
        var ys = And.ToDoubleArray();
        for (int i = 0; i < 4; i++)
        {
            double[] x = [1, xs[2 * i], xs[2 * i + 1]];
            double s = w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
            double yhat = s > 0 ? 1 : -1;
            for (int j = 0; j < 3; j++) w[j] += (ys[i] - yhat) / 2 * x[j];
        }
        var p = new Perceptron(2, DType.Float64);
        p.Fit(Inputs, And, maxEpochs: 1);
        Assert.Equal(w, p.Weight.ToDoubleArray());
    }

    [Fact]
    public void FitWorksInsideANoGradScope()
    {
        var p = new Perceptron(2);
        using (Tape.NoGrad()) Assert.True(p.Fit(Inputs, Or, 100).Converged);
    }

    [Fact]
    public void FitRefusesBadDataBeforeTouchingTheWeights()
    {
        var p = new Perceptron(2);
        var e = Assert.Throws<ArgumentException>(() => p.Fit(Inputs, Labels(0, 1, 1, 1), 10));
        Assert.Contains("-1 or +1", e.Message);
        Assert.All(p.Weight.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.Throws<ShapeException>(() => p.Fit(Inputs, Labels(1, 1, 1), 10));
        Assert.Throws<ShapeException>(() => p.Fit(Tensor.Zeros(4, 3), And, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Fit(Inputs, And, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Fit(Inputs, And, 10, learningRate: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Perceptron(0));
    }
}
