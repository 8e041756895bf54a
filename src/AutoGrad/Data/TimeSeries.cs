namespace AutoGrad.Data;

/// <summary>
/// An evenly or unevenly spaced series of observations: a time (a year, or a fractional year) and
/// a value per point, times strictly increasing. Values are kept as doubles; windows for a model are
/// cut by <see cref="Windows(int, double, double, WindowLayout, DType)"/>.
/// </summary>
/// <remarks>
/// <see cref="Mean"/> and <see cref="Variance"/> are those of the values of this series (a span cut
/// by <see cref="Between"/> has its own). <see cref="Missing"/> marks points that had no observation
/// and were filled in (the embedded CO₂ series fills missing weeks by linear interpolation; see
/// <see cref="EmbeddedDatasets.Co2"/>).
/// </remarks>
public sealed class TimeSeries
{
    /// <summary>The series' name (e.g. "sunspots").</summary>
    public string Name { get; }

    /// <summary>The time of each point, strictly increasing (a year, or a fractional year).</summary>
    public double[] Times { get; }

    /// <summary>The value of each point.</summary>
    public double[] Values { get; }

    /// <summary>True where the point had no observation and its value was filled in.</summary>
    public bool[] Missing { get; }

    /// <summary>Number of filled-in points (true entries of <see cref="Missing"/>).</summary>
    public int Filled { get; }

    /// <summary>Number of points.</summary>
    public int Count => Values.Length;

    /// <summary>Mean of the values, <c>μ = (1/N) Σ xᵢ</c>.</summary>
    public double Mean { get; }

    /// <summary>Population variance of the values, <c>σ² = (1/N) Σ (xᵢ − μ)²</c> (divided by N, not N − 1).</summary>
    public double Variance { get; }

    /// <summary>Creates a series, checking that times and values agree.</summary>
    /// <param name="name">A name for messages and lookups.</param>
    /// <param name="times">Time of each point, finite and strictly increasing.</param>
    /// <param name="values">Value of each point, finite.</param>
    /// <param name="missing">Which points were filled in (default: none).</param>
    /// <exception cref="ArgumentException">The series is empty, the lengths differ, a time or value is not finite, or the times do not increase.</exception>
    public TimeSeries(string name, double[] times, double[] values, bool[]? missing = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
            throw new ArgumentException($"TimeSeries: series '{name}' has no points; a series needs at least one", nameof(values));
        if (times.Length != values.Length)
            throw new ArgumentException($"TimeSeries: series '{name}' has {times.Length} times but {values.Length} values; there must be one time per value", nameof(times));
        missing ??= new bool[values.Length];
        if (missing.Length != values.Length)
            throw new ArgumentException($"TimeSeries: series '{name}' has {missing.Length} missing flags but {values.Length} values", nameof(missing));
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"TimeSeries: value {values[i]} at index {i} (time {times[i]}) of series '{name}' is not finite", nameof(values));
            if (!double.IsFinite(times[i]))
                throw new ArgumentException($"TimeSeries: time {times[i]} at index {i} of series '{name}' is not finite", nameof(times));
            if (i > 0 && !(times[i] > times[i - 1]))
                throw new ArgumentException($"TimeSeries: times of series '{name}' must increase, but index {i} has time {times[i]} after {times[i - 1]}", nameof(times));
        }
        Name = name;
        Times = times;
        Values = values;
        Missing = missing;
        Filled = missing.Count(m => m);
        double sum = 0;
        foreach (double v in values) sum += v;
        Mean = sum / values.Length;
        double sq = 0;
        foreach (double v in values) sq += (v - Mean) * (v - Mean);
        Variance = sq / values.Length;
    }

    /// <summary>The points [start, start + count) as a new series (copies).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or outside the series.</exception>
    public TimeSeries Slice(int start, int count)
    {
        if (start < 0 || start >= Count)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"TimeSeries.Slice: start {start} is outside [0, {Count}) of series '{Name}'");
        if (count <= 0 || count > Count - start)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"TimeSeries.Slice: count {count} from start {start} must be in [1, {Count - start}] for series '{Name}' of {Count} points");
        return new TimeSeries(Name, Times[start..(start + count)], Values[start..(start + count)], Missing[start..(start + count)]);
    }

    /// <summary>The points whose time lies in [<paramref name="fromTime"/>, <paramref name="toTime"/>] (both ends included), as a new series.</summary>
    /// <exception cref="ArgumentException">A bound is not finite, fromTime &gt; toTime, or no point lies in the span.</exception>
    public TimeSeries Between(double fromTime, double toTime)
    {
        var (start, count) = Span("TimeSeries.Between", fromTime, toTime);
        return Slice(start, count);
    }

    /// <summary>
    /// Windows for one-step-ahead prediction, one per target point whose time lies in
    /// [<paramref name="fromTime"/>, <paramref name="toTime"/>]: the inputs are the
    /// <paramref name="window"/> values just before the target, which may reach back before
    /// <paramref name="fromTime"/>. A target with fewer than <paramref name="window"/> points before
    /// it (the first ones of the series) is skipped; <see cref="WindowedSeries.TargetTimes"/> says
    /// which targets were taken.
    /// </summary>
    /// <param name="window">Number of past values per input, 1 ≤ window &lt; Count.</param>
    /// <param name="fromTime">Earliest target time (inclusive).</param>
    /// <param name="toTime">Latest target time (inclusive).</param>
    /// <param name="layout">The tensor layout of inputs and targets (see <see cref="WindowLayout"/>).</param>
    /// <param name="dtype">The dtype of the tensors.</param>
    /// <exception cref="ArgumentOutOfRangeException">window ≤ 0 or window ≥ Count.</exception>
    /// <exception cref="ArgumentException">A bound is not finite, fromTime &gt; toTime, or the span holds no target with a full window.</exception>
    public WindowedSeries Windows(int window, double fromTime, double toTime, WindowLayout layout = WindowLayout.Flat, DType dtype = DType.Float32)
    {
        const string op = "TimeSeries.Windows";
        CheckWindow(op, window);
        var (start, count) = Span(op, fromTime, toTime);
        int first = Math.Max(start, window), end = start + count;
        if (first >= end)
            throw new ArgumentException(
                $"{op}: no target in [{fromTime}, {toTime}] of series '{Name}' has {window} values before it (the first target with a full window is at time {Times[window]})", nameof(fromTime));
        return new WindowedSeries(this, window, first, end - first, layout, dtype);
    }

    /// <summary>Windows for every target that has <paramref name="window"/> values before it (targets at indices window..Count−1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">window ≤ 0 or window ≥ Count.</exception>
    public WindowedSeries Windows(int window, WindowLayout layout = WindowLayout.Flat, DType dtype = DType.Float32)
    {
        CheckWindow("TimeSeries.Windows", window);
        return new WindowedSeries(this, window, window, Count - window, layout, dtype);
    }

    /// <summary>The series with its values replaced by <paramref name="values"/> (same name, times and missing flags).</summary>
    /// <exception cref="ArgumentException">The length differs or a value is not finite.</exception>
    public TimeSeries WithValues(double[] values) => new(Name, Times, values, Missing);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {Count} points, {Times[0]}..{Times[^1]}, mean {Mean:G6}, variance {Variance:G6}{(Filled > 0 ? $", {Filled} filled" : "")}";

    private void CheckWindow(string op, int window)
    {
        if (window <= 0 || window >= Count)
            throw new ArgumentOutOfRangeException(nameof(window), window,
                $"{op}: window must be in [1, {Count - 1}] for series '{Name}' of {Count} points (a target needs that many values before it), got {window}");
    }

    /// <summary>The index range of the points with time in [fromTime, toTime].</summary>
    private (int Start, int Count) Span(string op, double fromTime, double toTime)
    {
        Guard.Finite(op, nameof(fromTime), fromTime);
        Guard.Finite(op, nameof(toTime), toTime);
        if (fromTime > toTime)
            throw new ArgumentException($"{op}: fromTime {fromTime} is after toTime {toTime}", nameof(fromTime));
        int start = 0;
        while (start < Count && Times[start] < fromTime) start++;
        int end = start;
        while (end < Count && Times[end] <= toTime) end++;
        if (end == start)
            throw new ArgumentException(
                $"{op}: the span [{fromTime}, {toTime}] holds no point of series '{Name}', which covers {Times[0]}..{Times[^1]}", nameof(fromTime));
        return (start, end - start);
    }
}
