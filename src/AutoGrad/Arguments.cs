namespace AutoGrad;

/// <summary>
/// Range checks whose message states the range in words ("a finite number ≥ 0") instead of an
/// interval with <see cref="double.MaxValue"/> as its upper end.
/// </summary>
internal static class Arguments
{
    /// <summary>A finite number ≥ 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite; names the argument and value.</exception>
    public static void NonNegative(string op, string argument, double value)
    {
        if (!(double.IsFinite(value) && value >= 0))
            throw new ArgumentOutOfRangeException(argument, value, $"{op}: {argument} must be a finite number ≥ 0, got {value}");
    }

    /// <summary>Any finite number.</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN or infinite; names the argument and value.</exception>
    public static void Finite(string op, string argument, double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(argument, value, $"{op}: {argument} must be a finite number, got {value}");
    }
}
