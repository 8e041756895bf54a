using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class TimeSeriesTests
{
    private static TimeSeries Ramp(int n) => new("ramp", [.. Enumerable.Range(0, n).Select(i => 2000.0 + i)], [.. Enumerable.Range(0, n).Select(i => (double)i)]);

    [Fact]
    public void MeanAndVarianceAreThoseOfTheValuesDividedByN()
    {
        var s = new TimeSeries("s", [1, 2, 3, 4], [1, 2, 3, 6]);
        Assert.Equal(3, s.Mean, 12);
        Assert.Equal((4 + 1 + 0 + 9) / 4.0, s.Variance, 12);
        Assert.Equal(4, s.Count);
        Assert.Equal(0, s.Filled);
    }

    [Fact]
    public void BetweenKeepsBothEndsAndSliceCopiesARange()
    {
        var s = Ramp(10);
        var b = s.Between(2003, 2005);
        Assert.Equal([2003.0, 2004, 2005], b.Times);
        Assert.Equal([3.0, 4, 5], b.Values);
        Assert.Equal(4, b.Mean, 12);
        Assert.Equal([1.0, 2], s.Slice(1, 2).Values);
        Assert.Equal(s.Values, s.Between(1000, 3000).Values);
    }

    [Fact]
    public void BadSeriesAndSpansAreRefusedWithTheirValues()
    {
        Assert.Contains("has no points", Assert.Throws<ArgumentException>(() => new TimeSeries("e", [], [])).Message);
        Assert.Contains("2 times but 1 values", Assert.Throws<ArgumentException>(() => new TimeSeries("e", [1, 2], [1])).Message);
        Assert.Contains("index 1 has time 1 after 1", Assert.Throws<ArgumentException>(() => new TimeSeries("e", [1, 1], [1, 2])).Message);
        Assert.Contains("value NaN at index 0", Assert.Throws<ArgumentException>(() => new TimeSeries("e", [1], [double.NaN])).Message);
        var s = Ramp(10);
        var e = Assert.Throws<ArgumentException>(() => s.Between(1900, 1950));
        Assert.Contains("TimeSeries.Between: the span [1900, 1950] holds no point of series 'ramp', which covers 2000..2009", e.Message);
        Assert.Contains("fromTime 2005 is after toTime 2001", Assert.Throws<ArgumentException>(() => s.Between(2005, 2001)).Message);
        Assert.Contains("toTime must be a finite number", Assert.Throws<ArgumentOutOfRangeException>(() => s.Between(2000, double.NaN)).Message);
        Assert.Contains("count 5 from start 8", Assert.Throws<ArgumentOutOfRangeException>(() => s.Slice(8, 5)).Message);
        Assert.Contains("start -1", Assert.Throws<ArgumentOutOfRangeException>(() => s.Slice(-1, 1)).Message);
    }

    [Fact]
    public void SunspotsAreTheYearlyRecord1700To2008()
    {
        var s = EmbeddedDatasets.Sunspots();
        Assert.Equal("sunspots", s.Name);
        Assert.Equal(309, s.Count);
        Assert.Equal(1700, s.Times[0]);
        Assert.Equal(2008, s.Times[^1]);
        Assert.Equal(5, s.Values[0]);
        Assert.Equal(2.9, s.Values[^1]);
        Assert.Equal(0, s.Filled);
        // The spans of the benchmark: train 1700-1920 (221 years), tests 1921-1955 and 1956-1979.
        Assert.Equal(221, s.Between(1700, 1920).Count);
        Assert.Equal(35, s.Between(1921, 1955).Count);
        Assert.Equal(24, s.Between(1956, 1979).Count);
        Assert.Equal(1495.59, s.Between(1700, 1979).Variance, 2);
        Assert.Equal(1631.12, s.Variance, 2);
    }

    [Fact]
    public void Co2IsWeeklyAndItsMissingWeeksAreInterpolated()
    {
        var s = EmbeddedDatasets.Co2();
        Assert.Equal("co2", s.Name);
        Assert.Equal(2284, s.Count);
        Assert.Equal(59, s.Filled);
        Assert.Equal(59, s.Missing.Count(m => m));
        Assert.Equal(1958 + 87 / 365.0, s.Times[0], 12); // 29 March 1958, day 88
        Assert.Equal(2001 + 362 / 365.0, s.Times[^1], 12); // 29 December 2001
        Assert.Equal(316.1, s.Values[0]);
        Assert.Equal(371.5, s.Values[^1]);
        for (int i = 1; i < s.Count; i++) Assert.InRange(s.Times[i] - s.Times[i - 1], 6.0 / 366, 8.0 / 365); // weekly
        // 10 May 1958 (index 6) between 316.9 and 317.5; 31 May (index 9) is the first of five missing weeks between 317.9 and 315.8.
        Assert.True(s.Missing[6] && !s.Missing[5] && !s.Missing[7]);
        Assert.Equal(317.2, s.Values[6], 10);
        Assert.Equal(317.9 + (315.8 - 317.9) / 6, s.Values[9], 10);
        Assert.All(s.Values, v => Assert.InRange(v, 310, 380));
    }

    [Fact]
    public void InterpolationIsLinearInsideAndHoldsTheNearestValueAtTheEnds()
    {
        double[] v = [0, 1, 0, 0, 7, 0];
        EmbeddedDatasets.Interpolate(v, [true, false, true, true, false, true]);
        Assert.Equal([1.0, 1, 3, 5, 7, 7], v);
        Assert.Throws<InvalidDataException>(() => EmbeddedDatasets.Interpolate(new double[2], [true, true]));
    }

    [Fact]
    public void SeriesAreFoundByName()
    {
        Assert.Equal(["sunspots", "co2"], EmbeddedDatasets.SeriesNames);
        Assert.Equal(309, EmbeddedDatasets.Series("sunspots").Count);
        Assert.Equal(2284, EmbeddedDatasets.Series("co2").Count);
        var e = Assert.Throws<ArgumentException>(() => EmbeddedDatasets.Series("sunspot"));
        Assert.Contains("EmbeddedDatasets.Series: unknown time series 'sunspot'; expected one of: sunspots, co2", e.Message);
        Assert.Equal("name", e.ParamName);
    }
}
