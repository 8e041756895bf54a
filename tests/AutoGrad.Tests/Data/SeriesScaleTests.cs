using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class SeriesScaleTests
{
    [Fact]
    public void StandardizeUsesTheFittedSpanOnlyAndInverts()
    {
        var s = new TimeSeries("s", [1, 2, 3, 4], [1, 3, 10, 20]);
        var scale = SeriesScale.Standardize(s.Between(1, 2)); // mean 2, sd 1
        Assert.Equal(new SeriesScale(2, 1), scale);
        var z = scale.Apply(s);
        Assert.Equal([-1.0, 1, 8, 18], z.Values);
        Assert.Equal(s.Times, z.Times);
        Assert.Equal(10, scale.Invert(8));
        Assert.Equal([10f, 20], scale.Invert(Tensor.FromArray([8f, 18f])).ToFloatArray());
        Assert.Equal(new SeriesScale(5, 1), SeriesScale.Standardize(new TimeSeries("c", [1, 2], [5, 5]))); // constant: σ = 1
    }

    [Fact]
    public void FixedScaleDividesAndTheArvIsTheSameInEitherUnit()
    {
        var scale = SeriesScale.Fixed(100);
        Assert.Equal(0.5, scale.Apply(50));
        double[] predicted = [10, 30], actual = [20, 20];
        double arv = Metrics.Arv(predicted, actual, 50);
        double scaledArv = Metrics.Arv(predicted.Select(scale.Apply).ToArray(), actual.Select(scale.Apply).ToArray(), scale.ScaleVariance(50));
        Assert.Equal(arv, scaledArv, 12);
        Assert.Contains("scale must be a finite nonzero number, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => SeriesScale.Fixed(0)).Message);
    }
}
