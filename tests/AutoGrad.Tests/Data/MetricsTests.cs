using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class MetricsTests
{
    [Fact]
    public void AccuracyCountsArgmaxHits()
    {
        var scores = Tensor.FromArray(new float[,] { { 0.1f, 0.9f }, { 2f, 1f }, { 0f, 0f }, { -1f, 3f } });
        Assert.Equal([1, 0, 0, 1], Metrics.PredictedClasses(scores));
        Assert.Equal(0.75, Metrics.Accuracy(scores, [1, 0, 1, 1]));
        Assert.Equal(0.5, Metrics.Accuracy([1, 2, 3, 4], [1, 2, 0, 0]));
    }

    [Fact]
    public void LogLossIsTheMeanNegativeLogProbabilityOfTheLabel()
    {
        var p = Tensor.FromArray(new double[,] { { 0.8, 0.2 }, { 0.25, 0.75 }, { 1.0, 0.0 } });
        double expected = -(Math.Log(0.8) + Math.Log(0.75) + Math.Log(1e-15)) / 3;
        Assert.Equal(expected, Metrics.LogLoss(p, [0, 1, 1]), 1e-12);
    }

    [Fact]
    public void LogLossFromLogitsMatchesLogLossOfTheSoftmax()
    {
        var z = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { -5, 0, 5 }, { 100, 0, -100 } });
        double a = Metrics.LogLossFromLogits(z, [0, 2, 1]);
        double b = Metrics.LogLoss(z.Softmax(1), [0, 2, 1], epsilon: 1e-300);
        Assert.Equal(b, a, 1e-9);
        Assert.True(double.IsFinite(a));
    }

    [Fact]
    public void MismatchedOrEmptyInputsAreRefused()
    {
        var scores = Tensor.Ones(3, 2);
        Assert.Contains("3 predictions but 2 labels", Assert.Throws<ArgumentException>(() => Metrics.Accuracy(scores, [0, 1])).Message);
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => Metrics.Accuracy(Array.Empty<int>(), Array.Empty<int>())).Message);
        Assert.Contains("label 2 at row 0", Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.LogLoss(Tensor.Full(0.5, 1, 2), [2])).Message);
        Assert.Contains("not in [0, 1]", Assert.Throws<ArgumentException>(() => Metrics.LogLoss(Tensor.Full(3, 1, 2), [0])).Message);
    }

    [Fact]
    public void ArvIsTheMeanSquaredErrorOverTheGivenVariance()
    {
        // Errors 1, -2, 0, 3: MSE = (1 + 4 + 0 + 9) / 4 = 3.5; over σ² = 7 the ARV is 0.5.
        var predicted = Tensor.FromArray([2f, 0f, 5f, 7f], 4, 1);
        var actual = Tensor.FromArray([1f, 2f, 5f, 4f], 4, 1);
        Assert.Equal(0.5, Metrics.Arv(predicted, actual, 7), 12);
        Assert.Equal(0.5, Metrics.Arv([2.0, 0, 5, 7], [1.0, 2, 5, 4], 7), 12);
        // Predicting the mean of the series scores its own variance: ARV 1.
        var s = new TimeSeries("s", [1, 2, 3, 4], [1, 2, 3, 6]);
        Assert.Equal(1, Metrics.Arv(Enumerable.Repeat(s.Mean, 4).ToArray(), s.Values, s.Variance), 12);
    }

    [Fact]
    public void ArvRefusesBadVariancesAndMismatchedInputs()
    {
        var a = Tensor.Ones(3, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Arv(a, a, 0));
        Assert.Contains("Metrics.Arv: variance must be a finite number > 0, got 0", e.Message);
        Assert.Equal("variance", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Arv(a, a, double.NaN));
        Assert.Contains("Metrics.Arv", Assert.Throws<ShapeException>(() => Metrics.Arv(a, Tensor.Ones(3), 1)).Message);
        Assert.Contains("Metrics.Arv: the tensors are empty", Assert.Throws<ArgumentException>(() => Metrics.Arv(Tensor.Zeros(0, 1), Tensor.Zeros(0, 1), 1)).Message);
        Assert.Contains("2 predictions but 1 actual values", Assert.Throws<ArgumentException>(() => Metrics.Arv([1.0, 2], [1.0], 1)).Message);
        Assert.Contains("no values", Assert.Throws<ArgumentException>(() => Metrics.Arv(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, 1)).Message);
    }
}
