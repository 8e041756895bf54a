using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class WindowedSeriesTests
{
    // Values 10·i at years 2000 + i, so a value names its position.
    private static readonly TimeSeries Series = new("tens", [.. Enumerable.Range(0, 8).Select(i => 2000.0 + i)], [.. Enumerable.Range(0, 8).Select(i => 10.0 * i)]);

    [Fact]
    public void FlatWindowsHoldThePastValuesOldestFirst()
    {
        var w = Series.Windows(3, 2004, 2006);
        Assert.Equal([3, 3], w.Inputs.ShapeArray);
        Assert.Equal([3, 1], w.Targets.ShapeArray);
        Assert.Equal(DType.Float32, w.Inputs.DType);
        Assert.Equal([10f, 20, 30, 20, 30, 40, 30, 40, 50], w.Inputs.ToFloatArray());
        Assert.Equal([40f, 50, 60], w.Targets.ToFloatArray());
        Assert.Equal([2004.0, 2005, 2006], w.TargetTimes);
        Assert.Equal([4, 5, 6], w.TargetIndices);
        Assert.Equal([40.0, 50, 60], w.TargetValues);
        Assert.Equal(3, w.Count);
    }

    [Fact]
    public void InputsReachBeforeTheSpanAndTargetsWithoutAFullWindowAreSkipped()
    {
        var w = Series.Windows(3, 2000, 2004, WindowLayout.Flat, DType.Float64);
        Assert.Equal([2003.0, 2004], w.TargetTimes);
        Assert.Equal([0.0, 10, 20, 10, 20, 30], w.Inputs.ToDoubleArray());
        Assert.Equal(DType.Float64, w.Targets.DType);
        var all = Series.Windows(5);
        Assert.Equal([2005.0, 2006, 2007], all.TargetTimes);
    }

    [Fact]
    public void SequenceLayoutsAreBatchFirstWithOneFeature()
    {
        var s = Series.Windows(3, 2005, 2006, WindowLayout.Sequence);
        Assert.Equal([2, 3, 1], s.Inputs.ShapeArray);
        Assert.Equal([2, 1], s.Targets.ShapeArray);
        Assert.Equal([20f, 30, 40, 30, 40, 50], s.Inputs.ToFloatArray());
        Assert.Equal([50f, 60], s.Targets.ToFloatArray());

        var q = Series.Windows(3, 2005, 2006, WindowLayout.SequenceToSequence);
        Assert.Equal([2, 3, 1], q.Inputs.ShapeArray);
        Assert.Equal([2, 3, 1], q.Targets.ShapeArray);
        Assert.Equal([30f, 40, 50, 40, 50, 60], q.Targets.ToFloatArray()); // the next value at every step
        Assert.Equal(s.Inputs.ToFloatArray(), q.Inputs.ToFloatArray());
    }

    [Fact]
    public void TheSunspotBenchmarkSpans()
    {
        var sun = EmbeddedDatasets.Sunspots();
        var train = sun.Windows(12, 1700, 1920);
        Assert.Equal(1712, train.TargetTimes[0]);
        Assert.Equal(209, train.Count);
        var test1 = sun.Windows(12, 1921, 1955, WindowLayout.Sequence);
        Assert.Equal([35, 12, 1], test1.Inputs.ShapeArray);
        Assert.Equal(sun.Between(1909, 1920).Values.Select(v => (float)v), test1.Inputs.ToFloatArray().Take(12)); // inputs reach back into the training years
        Assert.Equal(24, sun.Windows(12, 1956, 1979).Count);
    }

    [Fact]
    public void BadWindowsAndEmptySpansAreRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Series.Windows(0, 2000, 2007));
        Assert.Contains("TimeSeries.Windows: window must be in [1, 7] for series 'tens' of 8 points", e.Message);
        Assert.Contains("got 0", e.Message);
        Assert.Equal("window", e.ParamName);
        Assert.Contains("got 8", Assert.Throws<ArgumentOutOfRangeException>(() => Series.Windows(8)).Message);
        Assert.Contains("got -2", Assert.Throws<ArgumentOutOfRangeException>(() => Series.Windows(-2)).Message);
        var span = Assert.Throws<ArgumentException>(() => Series.Windows(3, 2000, 2002));
        Assert.Contains("no target in [2000, 2002] of series 'tens' has 3 values before it (the first target with a full window is at time 2003)", span.Message);
        Assert.Contains("holds no point", Assert.Throws<ArgumentException>(() => Series.Windows(3, 2100, 2200)).Message);
        Assert.Contains("unknown layout 7", Assert.Throws<ArgumentOutOfRangeException>(() => Series.Windows(3, (WindowLayout)7)).Message);
    }
}
