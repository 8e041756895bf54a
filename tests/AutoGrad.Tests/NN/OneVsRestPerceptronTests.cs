using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.NN;

public class OneVsRestPerceptronTests
{
    [Fact]
    public void EachColumnIsTheBinaryPerceptronOfItsClass()
    {
        // Three overlapping clusters: the rule keeps making mistakes, so many updates happen.
        var gen = new Generator(4);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 30, 2);
        int[] labels = [.. Enumerable.Range(0, 30).Select(i => i % 3)];
        for (int i = 0; i < 30; i++) x[i, labels[i] % 2] += labels[i];

        var ovr = new OneVsRestPerceptron(2, 3, DType.Float64);
        var fit = ovr.Fit(x, labels, maxEpochs: 4);
        Assert.False(fit.Converged);

        for (int k = 0; k < 3; k++)
        {
            var binary = new Perceptron(2, DType.Float64);
            binary.Fit(x, Tensor.From(DType.Float64, [.. labels.Select(l => l == k ? 1.0 : -1.0)], 30), maxEpochs: 4);
            var column = ovr.Weight.ToDoubleArray().Where((_, i) => i % 3 == k).ToArray();
            Assert.Equal(binary.Weight.ToDoubleArray(), column);
        }
    }

    [Fact]
    public void StartsAtZeroAndPredictsTheHighestScore()
    {
        var ovr = new OneVsRestPerceptron(2, 3);
        Assert.All(ovr.Weight.ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.Equal([3, 3], ovr.Weight.Shape.ToArray());
        ovr.Weight.CopyFromNoGrad([0f, 0f, 1f, /* x1 */ 1f, 0f, 0f, /* x2 */ 0f, 1f, 0f]);
        var x = Tensor.FromArray(new float[,] { { 2, 0 }, { 0, 2 }, { 0, 0 } });
        Assert.Equal([0, 1, 2], ovr.Predict(x));
    }

    [Fact]
    public void ConvergesOnSeparableClasses()
    {
        var x = Tensor.FromArray(new float[,] { { 0, 0 }, { 5, 0 }, { 0, 5 }, { 0.5f, 0.2f }, { 5.5f, 0.3f }, { 0.1f, 5.2f } });
        int[] labels = [0, 1, 2, 0, 1, 2];
        var ovr = new OneVsRestPerceptron(2, 3);
        var fit = ovr.Fit(x, labels, maxEpochs: 100);
        Assert.True(fit.Converged);
        Assert.Equal(0, fit.MistakesPerEpoch[^1]);
        Assert.Equal(labels, ovr.Predict(x));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => new OneVsRestPerceptron(2, 1)).ParamName);
        var ovr = new OneVsRestPerceptron(2, 3);
        Assert.Contains("label 3 at row 1 is outside [0, 3)", Assert.Throws<ArgumentException>(() => ovr.Targets([0, 3])).Message);
        Assert.Contains("at dimension 1: 3 vs 2", Assert.Throws<ShapeException>(() => ovr.Scores(Tensor.Zeros(4, 3))).Message);
        Assert.Contains("at dimension 1: 3 vs 2", Assert.Throws<ShapeException>(() => ovr.Fit(Tensor.Zeros(4, 3), [0, 1, 2, 0], 5)).Message);
    }
}
