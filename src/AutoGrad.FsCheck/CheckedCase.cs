using AutoGrad.Checking;

namespace AutoGrad.FsCheck;

/// <summary>
/// A case of <see cref="GradProperties.For"/> with its gradient check, evaluated once and kept:
/// the shrinker evaluates a candidate to decide whether it fails like its parent, and FsCheck's
/// test of the same candidate reuses that outcome. Prints as the case.
/// </summary>
internal sealed class CheckedCase(GradPropertyCase c, Func<Tensor[], Tensor> f, GradPropertyOptions options, int shrinkTriesLeft)
{
    private GradPropertyOutcome? _outcome;

    public GradPropertyCase Case { get; } = c;

    /// <summary>The gradient check of the case (run on first use).</summary>
    public GradPropertyOutcome Outcome => _outcome ??= GradProperty.Evaluate(f, Case, options);

    /// <summary>
    /// The library's shrink candidates that fail like this case, in order. Candidates that pass (or
    /// fail another way) are evaluated and skipped, counted against the shrinking budget; FsCheck
    /// takes the first one yielded and asks it for its own candidates.
    /// </summary>
    public IEnumerable<CheckedCase> Shrink()
    {
        if (Outcome.Passed) yield break;
        int left = shrinkTriesLeft;
        foreach (var candidate in GradProperty.ShrinkCandidates(Case, options))
        {
            if (left <= 0) yield break;
            left--;
            var next = new CheckedCase(candidate, f, options, left);
            if (next.Outcome.FailsLike(Outcome)) yield return next;
        }
    }

    /// <summary>The case: each input's name, shape and values.</summary>
    public override string ToString() => Case.ToString();
}
