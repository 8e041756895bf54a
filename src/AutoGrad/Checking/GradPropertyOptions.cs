
namespace AutoGrad.Checking;

/// <summary>Settings of <see cref="GradProperty"/>.</summary>
public sealed record GradPropertyOptions
{
    /// <summary>Smallest size of a named dimension. Default 1.</summary>
    public int MinDim { get; init; } = 1;

    /// <summary>Largest size of a named dimension. Default 4.</summary>
    public int MaxDim { get; init; } = 4;

    /// <summary>At most this many candidate cases are tried while shrinking a failure. Default 300.</summary>
    public int MaxShrinkTries { get; init; } = 300;

    /// <summary>The gradient check's tolerances (default: float64 defaults, full Jacobian).</summary>
    public GradCheckOptions? GradCheck { get; init; }

    internal void Validate()
    {
        Guard.NonNegative("GradProperty", nameof(MinDim), MinDim);
        if (MaxDim < MinDim)
            throw new ArgumentOutOfRangeException(nameof(MaxDim), MaxDim, $"GradProperty: MaxDim must be >= MinDim ({MinDim}), got {MaxDim}");
        Guard.NonNegative("GradProperty", nameof(MaxShrinkTries), MaxShrinkTries);
    }
}
