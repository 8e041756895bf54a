using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class ConfusionMatrixTests
{
    [Fact]
    public void CountsActualAgainstPredicted()
    {
        int[] actual = [0, 0, 1, 1, 1, 2];
        int[] predicted = [0, 1, 1, 1, 2, 2];
        var m = new ConfusionMatrix(actual, predicted, 3, ["cat", "dog", "bird"]);
        Assert.Equal(1, m[0, 0]);
        Assert.Equal(1, m[0, 1]);
        Assert.Equal(2, m[1, 1]);
        Assert.Equal(1, m[1, 2]);
        Assert.Equal(0, m[2, 0]);
        Assert.Equal(4.0 / 6, m.Accuracy, 1e-12);
        Assert.Equal(2.0 / 3, m.Recall(1), 1e-12);
        Assert.Equal(0.5, m.Precision(2), 1e-12);
        Assert.Equal(6, m.Total);
    }

    [Fact]
    public void ToStringIsAReadableTable()
    {
        var m = new ConfusionMatrix([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 2, 2], 3, ["cat", "dog", "bird"]);
        var lines = m.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("accuracy 66.7%", lines[0]);
        Assert.Matches(@"^\s+0\s+1\s+2\s+recall$", lines[1]);
        Assert.Matches(@"^0 cat\s+1\s+1\s+0\s+50\.0%$", lines[2]);
        Assert.Matches(@"^1 dog\s+0\s+2\s+1\s+66\.7%$", lines[3]);
        Assert.Matches(@"^2 bird\s+0\s+0\s+1\s+100\.0%$", lines[4]);
        Assert.Matches(@"^precision\s+100\.0%\s+66\.7%\s+50\.0%$", lines[5]);
    }

    [Fact]
    public void IndexNamesAreNotRepeated()
    {
        var lines = new ConfusionMatrix([0, 1], [0, 1], 2).ToString().Split('\n');
        Assert.Matches(@"^0\s+1\s+0\s+100\.0%$", lines[2]);
    }

    [Fact]
    public void FromScoresUsesTheArgmax()
    {
        var m = ConfusionMatrix.FromScores(Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 1 }, { 0, 1 } }), [0, 0, 1]);
        Assert.Equal(1, m[0, 1]);
        Assert.Equal(2, m.ClassCount);
    }

    [Fact]
    public void BadInputsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0, 1], [0], 2));
        Assert.Contains("predicted class 5", Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix([0], [5], 2)).Message);
        Assert.Contains("1 class names for 2 classes", Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0], [0], 2, ["a"])).Message);
    }
}
