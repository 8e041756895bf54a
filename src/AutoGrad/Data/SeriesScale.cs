namespace AutoGrad.Data;

/// <summary>
/// An affine rescaling of a series' values, <c>x' = (x − Shift) / Scale</c>, and its inverse
/// <c>x = x'·Scale + Shift</c>: a fixed scale (e.g. sunspots / 100) or a standardization fitted on
/// the training span only (<see cref="Standardize"/>), then applied unchanged to the whole series so
/// no statistics leak from the test spans.
/// </summary>
/// <param name="Shift">Subtracted first.</param>
/// <param name="Scale">Divided by next; finite and nonzero.</param>
public readonly record struct SeriesScale(double Shift, double Scale)
{
    /// <summary>Leaves values unchanged (shift 0, scale 1).</summary>
    public static SeriesScale Identity => new(0, 1);

    /// <summary>Divides by a fixed <paramref name="scale"/> after subtracting <paramref name="shift"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">scale is zero or not finite, or shift is not finite.</exception>
    public static SeriesScale Fixed(double scale, double shift = 0)
    {
        Guard.Finite("SeriesScale.Fixed", nameof(shift), shift);
        if (!double.IsFinite(scale) || scale == 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"SeriesScale.Fixed: scale must be a finite nonzero number, got {scale}");
        return new SeriesScale(shift, scale);
    }

    /// <summary>
    /// Standardization fitted on <paramref name="fit"/> (pass the training span): shift μ and scale σ,
    /// its mean and population standard deviation; a constant span gets σ = 1.
    /// </summary>
    public static SeriesScale Standardize(TimeSeries fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        double sd = Math.Sqrt(fit.Variance);
        return new SeriesScale(fit.Mean, sd > 0 ? sd : 1);
    }

    /// <summary><c>(x − Shift) / Scale</c>.</summary>
    public double Apply(double x) => (x - Shift) / Scale;

    /// <summary><c>x'·Scale + Shift</c>.</summary>
    public double Invert(double scaled) => scaled * Scale + Shift;

    /// <summary>The series with every value rescaled (same name, times and missing flags).</summary>
    public TimeSeries Apply(TimeSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var s = this;
        return series.WithValues(series.Values.Select(s.Apply).ToArray());
    }

    /// <summary>Model outputs back in the series' units, <c>x'·Scale + Shift</c> (tensor ops, so it may be part of a graph).</summary>
    public Tensor Invert(Tensor scaled)
    {
        ArgumentNullException.ThrowIfNull(scaled);
        return scaled * Scale + Shift;
    }

    /// <summary>
    /// A variance in scaled units, <c>σ² / Scale²</c>: what to pass to <see cref="Metrics.Arv(Tensor, Tensor, double)"/>
    /// with scaled predictions (the ARV is the same in either unit).
    /// </summary>
    public double ScaleVariance(double variance) => variance / (Scale * Scale);
}
