namespace AutoGrad.Checking;

/// <summary>One Jacobian entry (or, in fast mode, the projection vᵀJu) where tape and finite differences disagree.</summary>
/// <param name="Input">Index of the input in the argument list.</param>
/// <param name="InputDescription">Name (if any), dtype and shape of the input.</param>
/// <param name="Element">Multi-index of the input element (empty in fast mode).</param>
/// <param name="OutputElement">Multi-index of the output element (empty for a scalar output or fast mode).</param>
/// <param name="Numeric">Central difference, in float64.</param>
/// <param name="Analytic">The tape's value.</param>
/// <param name="Tolerance">atol + rtol·|numeric|.</param>
/// <param name="Forward">True when the analytic value came from forward mode (a JVP rule), false for the tape (reverse mode).</param>
public sealed record GradCheckMismatch(int Input, string InputDescription, int[] Element, int[] OutputElement, double Numeric, double Analytic, double Tolerance, bool Forward = false)
{
    /// <summary>|analytic − numeric|.</summary>
    public double Error => Math.Abs(Analytic - Numeric);

    /// <inheritdoc/>
    public override string ToString()
    {
        string at = Element.Length == 0 ? "" : $" at element [{string.Join(", ", Element)}]";
        string of = OutputElement.Length == 0 ? "" : $" of output element [{string.Join(", ", OutputElement)}]";
        return $"{(Forward ? "forward mode (JVP), " : "")}input {Input} ({InputDescription}){at}{of}: numeric {Numeric:G8}, analytic {Analytic:G8}, error {Error:G3} > tolerance {Tolerance:G3}";
    }
}

/// <summary>What a gradient check found.</summary>
public sealed class GradCheckResult
{
    internal GradCheckResult(IReadOnlyList<GradCheckMismatch> mismatches, int entries, int kinks, double eps, double atol, double rtol, bool fast)
    {
        Mismatches = mismatches;
        EntriesChecked = entries;
        KinksAccepted = kinks;
        Eps = eps;
        Atol = atol;
        Rtol = rtol;
        Fast = fast;
    }

    /// <summary>True when every entry agreed within tolerance.</summary>
    public bool Passed => Mismatches.Count == 0;

    /// <summary>Every disagreeing entry, in input then element order.</summary>
    public IReadOnlyList<GradCheckMismatch> Mismatches { get; }

    /// <summary>The disagreement with the largest error relative to its tolerance, or null.</summary>
    public GradCheckMismatch? Worst => Mismatches.Count == 0 ? null : Mismatches.MaxBy(m => m.Error / m.Tolerance);

    /// <summary>Number of Jacobian entries (or projections, in fast mode) compared.</summary>
    public int EntriesChecked { get; }

    /// <summary>Entries accepted only because they sit at a kink with the analytic value between the one-sided differences.</summary>
    public int KinksAccepted { get; }

    /// <summary>The step used.</summary>
    public double Eps { get; }

    /// <summary>The absolute tolerance used.</summary>
    public double Atol { get; }

    /// <summary>The relative tolerance used.</summary>
    public double Rtol { get; }

    /// <summary>Whether fast mode (vᵀJu) was used.</summary>
    public bool Fast { get; }

    /// <summary>A readable report: pass, or the first and the worst mismatch and how many there were.</summary>
    public override string ToString()
    {
        string how = Fast ? "vᵀJu projection" : $"{EntriesChecked} Jacobian entries";
        if (Passed) return $"GradCheck passed: {how} agree (eps {Eps:G2}, atol {Atol:G2}, rtol {Rtol:G2}{(KinksAccepted > 0 ? $", {KinksAccepted} at kinks" : "")})";
        var first = Mismatches[0];
        var worst = Worst!;
        var msg = $"GradCheck failed: {Mismatches.Count} of {how} disagree (float64 central differences, eps {Eps:G2}, atol {Atol:G2}, rtol {Rtol:G2}).\n  first: {first}";
        if (!ReferenceEquals(first, worst)) msg += $"\n  worst: {worst}";
        return msg;
    }
}

/// <summary>Thrown by <see cref="GradCheck.Assert(Func{Tensor[], Tensor}, Tensor[], GradCheckOptions?)"/> when tape and finite differences disagree.</summary>
public sealed class GradCheckException(GradCheckResult result) : Exception(result.ToString())
{
    /// <summary>The full result.</summary>
    public GradCheckResult Result { get; } = result;
}
