namespace AutoGrad.Checking;

/// <summary>Settings of <see cref="LocalCheck"/>. Unset tolerances take the float64 defaults of <see cref="Checking.GradCheckOptions"/>.</summary>
public sealed record LocalCheckOptions
{
    /// <summary>Finite-difference step. Default 1e-6.</summary>
    public double? Eps { get; init; }

    /// <summary>
    /// Absolute tolerance. Default 1e-5, raised by 1e-9·|y| for ops whose output y is so large
    /// that float64 rounding in f(x ± eps) matters.
    /// </summary>
    public double? Atol { get; init; }

    /// <summary>Relative tolerance, times |numeric|. Default 1e-3.</summary>
    public double? Rtol { get; init; }

    /// <summary>Accept an analytic value between the one-sided differences at kinks (relu or abs at 0, max ties). Default true.</summary>
    public bool AllowKinks { get; init; } = true;

    /// <summary>
    /// A node whose Jacobian has at most this many entries (checked input elements × output
    /// elements) is checked entry by entry; a larger one in fast mode (vᵀJu along random
    /// directions). Default 10,000.
    /// </summary>
    public int FullJacobianLimit { get; init; } = 10_000;

    /// <summary>Random directions per node in fast mode. Default 3.</summary>
    public int Directions { get; init; } = 3;

    /// <summary>
    /// When fast mode disagrees, how many elements of each input are checked one by one to name
    /// the worst element. Default 64.
    /// </summary>
    public int SampledElements { get; init; } = 64;

    /// <summary>Seed of the random directions and samples (the report is reproducible for a given seed).</summary>
    public ulong Seed { get; init; }

    /// <summary>Stop after the first node that disagrees instead of checking every node. Default false.</summary>
    public bool StopAtFirstFailure { get; init; }

    internal void Validate()
    {
        Guard.Positive("LocalCheck", nameof(FullJacobianLimit), FullJacobianLimit);
        Guard.Positive("LocalCheck", nameof(Directions), Directions);
        Guard.Positive("LocalCheck", nameof(SampledElements), SampledElements);
        if (Eps is { } e) Guard.Positive("LocalCheck", nameof(Eps), e);
        if (Atol is { } a && !(a >= 0)) throw new ArgumentOutOfRangeException(nameof(Atol), a, $"LocalCheck: Atol must be >= 0, got {a}");
        if (Rtol is { } r && !(r >= 0)) throw new ArgumentOutOfRangeException(nameof(Rtol), r, $"LocalCheck: Rtol must be >= 0, got {r}");
    }
}
