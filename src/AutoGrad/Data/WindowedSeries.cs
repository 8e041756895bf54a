namespace AutoGrad.Data;

/// <summary>
/// Inputs and targets for one-step-ahead prediction cut from a <see cref="TimeSeries"/> by
/// <see cref="TimeSeries.Windows(int, double, double, WindowLayout, DType)"/>: row n holds the
/// <see cref="Window"/> values just before target n, oldest first, and the target value (or, for
/// <see cref="WindowLayout.SequenceToSequence"/>, the next value after every input step).
/// </summary>
public sealed class WindowedSeries
{
    /// <summary>Inputs: [N, window] (<see cref="WindowLayout.Flat"/>) or [N, window, 1] (the sequence layouts).</summary>
    public Tensor Inputs { get; }

    /// <summary>Targets: [N, 1], or [N, window, 1] for <see cref="WindowLayout.SequenceToSequence"/>.</summary>
    public Tensor Targets { get; }

    /// <summary>The time of each row's (last) target.</summary>
    public double[] TargetTimes { get; }

    /// <summary>The index in the series of each row's (last) target; its inputs are the points [index − window, index).</summary>
    public int[] TargetIndices { get; }

    /// <summary>The value of each row's (last) target, as doubles (the same numbers as the last step of <see cref="Targets"/>, before conversion to the tensor's dtype).</summary>
    public double[] TargetValues { get; }

    /// <summary>Past values per row.</summary>
    public int Window { get; }

    /// <summary>The tensor layout.</summary>
    public WindowLayout Layout { get; }

    /// <summary>Number of rows N.</summary>
    public int Count => TargetTimes.Length;

    internal WindowedSeries(TimeSeries series, int window, int firstTarget, int count, WindowLayout layout, DType dtype)
    {
        if (!Enum.IsDefined(layout))
            throw new ArgumentOutOfRangeException(nameof(layout), layout, $"TimeSeries.Windows: unknown layout {(int)layout}; expected Flat, Sequence or SequenceToSequence");
        var v = series.Values;
        var x = new double[count * window];
        int steps = layout == WindowLayout.SequenceToSequence ? window : 1;
        var y = new double[count * steps];
        TargetTimes = new double[count];
        TargetIndices = new int[count];
        TargetValues = new double[count];
        for (int n = 0; n < count; n++)
        {
            int t = firstTarget + n;
            Array.Copy(v, t - window, x, n * window, window);
            Array.Copy(v, t + 1 - steps, y, n * steps, steps);
            TargetTimes[n] = series.Times[t];
            TargetIndices[n] = t;
            TargetValues[n] = v[t];
        }
        Inputs = layout == WindowLayout.Flat ? Tensor.From(dtype, x, count, window) : Tensor.From(dtype, x, count, window, 1);
        Targets = layout == WindowLayout.SequenceToSequence ? Tensor.From(dtype, y, count, window, 1) : Tensor.From(dtype, y, count, 1);
        Window = window;
        Layout = layout;
    }
}
