using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class StandardizerTests
{
    [Fact]
    public void FitsOnTrainingDataAndAppliesTheSameStatisticsElsewhere()
    {
        // Column 0: 1, 3, 5 → μ = 3, σ = √(8/3). Column 1 constant 7 → σ taken as 1.
        var train = Dataset.FromArrays(new float[,] { { 1, 7 }, { 3, 7 }, { 5, 7 } }, [0, 1, 0]);
        var s = Standardizer.Fit(train);
        double sigma = Math.Sqrt(8.0 / 3);
        Assert.Equal(3f, s.Mean[0]);
        Assert.Equal(sigma, s.Std[0], 1e-6);
        Assert.Equal(1f, s.Std[1]);
        var t = s.Transform(train);
        Assert.Equal(-2 / sigma, t.Features[0, 0], 1e-6);
        Assert.Equal(0, t.Features[1, 0], 1e-6);
        Assert.Equal(0f, t.Features[2, 1]);
        Assert.Equal(train.Labels, t.Labels);

        var test = Dataset.FromArrays(new float[,] { { 9, 8 } }, [1], 2);
        var u = s.Transform(test);
        Assert.Equal(6 / sigma, u.Features[0, 0], 1e-6);
        Assert.Equal(1f, u.Features[0, 1]);
    }

    [Fact]
    public void StandardizedTrainingFeaturesHaveZeroMeanAndUnitVariance()
    {
        var data = EmbeddedDatasets.Wine();
        var x = Standardizer.Fit(data).Transform(data.Features).ToDoubleArray();
        int n = data.Count, d = data.FeatureCount;
        for (int c = 0; c < d; c++)
        {
            var col = Enumerable.Range(0, n).Select(r => x[r * d + c]).ToArray();
            Assert.Equal(0, col.Average(), 1e-5);
            Assert.Equal(1, col.Select(v => v * v).Average(), 1e-4);
        }
    }

    [Fact]
    public void ErrorsNameTheProblem()
    {
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => Standardizer.Fit(Tensor.Zeros(0, 3))).Message);
        var s = Standardizer.Fit(Tensor.Ones(2, 3));
        Assert.Contains("fitted on 3 features", Assert.Throws<ShapeException>(() => s.Transform(Tensor.Ones(2, 4))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Standardizer.FromStatistics([0f], [0f]));
    }
}
