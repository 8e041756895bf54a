
namespace AutoGrad.Checking;

/// <summary>
/// What <see cref="GradProperty.Evaluate"/> found for one case: the gradient check's result, or
/// the exception the function threw.
/// </summary>
public sealed class GradPropertyOutcome
{
    private readonly string? _kind;

    private GradPropertyOutcome(GradCheckResult? result, Exception? exception, string? failure, string? kind)
    {
        Result = result;
        Exception = exception;
        Failure = failure;
        _kind = kind;
    }

    internal static GradPropertyOutcome Checked(GradCheckResult r) =>
        r.Passed ? new(r, null, null, null) : new(r, null, r.ToString(), "mismatch");

    internal static GradPropertyOutcome Threw(Exception e) =>
        new(null, e, $"the function threw {e.GetType().Name}: {e.Message}", e.GetType().FullName!);

    /// <summary>True when the analytic gradient agrees with float64 central differences.</summary>
    public bool Passed => Failure is null;

    /// <summary>The gradient check (null when the function threw).</summary>
    public GradCheckResult? Result { get; }

    /// <summary>What the function threw (null when it returned).</summary>
    public Exception? Exception { get; }

    /// <summary>
    /// Why the case fails: the gradient check's report (input, element, numeric and analytic
    /// values) or the exception's type and message; null when it passed.
    /// </summary>
    public string? Failure { get; }

    /// <summary>
    /// Whether both outcomes fail the same way: both a gradient mismatch, or both an exception of
    /// the same type. Shrinking keeps a candidate only when it fails like the case it came from.
    /// </summary>
    public bool FailsLike(GradPropertyOutcome other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _kind is not null && _kind == other._kind;
    }

    /// <summary>The failure, or "passed".</summary>
    public override string ToString() => Failure ?? "passed";
}
