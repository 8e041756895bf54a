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
}
