
namespace AutoGrad.Checking;

/// <summary>
/// Turns "this function of these inputs has the right gradient" into a property test: random
/// shapes and values drawn from the domains the caller states, a float64 gradient check of each
/// case, shrinking of a failure to a small, simple case, and a seed that replays it. No test
/// framework needed; call <see cref="Assert"/> from any test.
/// </summary>
/// <remarks>
/// <para>Determinism: a seed fixes the whole run. Case k is drawn from its own seed
/// c_k (c_0 = the run's seed, c_{k+1} = SplitMix64(c_k)), so the report's
/// <see cref="GradPropertyReport.FailingCaseSeed"/>, passed as the seed, draws the failing
/// case first. Without a seed, a random one is chosen and printed in the report.</para>
/// <para>Shrinking tries, in order: each named dimension at its minimum and one smaller; each
/// broadcastable dimension at 1; each input's values all at the simplest value of their domain
/// (0, 1, −1, 0.5, ...), rounded to integers, rounded to one decimal; then single values of
/// small cases. A candidate is kept when it fails the same way (a gradient mismatch, or the same
/// exception type), until no candidate fails or <see cref="GradPropertyOptions.MaxShrinkTries"/>
/// candidates have been tried.</para>
/// <para>The parts of a run are public, so another property framework can drive them:
/// <see cref="Draw"/> (a case from a seed), <see cref="ShrinkCandidates"/> (what the shrinker
/// tries) and <see cref="Evaluate"/> (the gradient check of one case). The AutoGrad.FsCheck
/// package builds FsCheck's <c>GradProperties.For</c> and <c>GradProperties.Cases</c> from them.</para>
/// </remarks>
/// <example>
/// <code>
/// [Fact]
/// public void HuberLossHasTheRightGradient() =>
///     GradProperty.Assert(xs => Huber(xs[0], xs[1]),
///         [InputSpec.Of("n, d"), InputSpec.Of("n, d").Constant()], cases: 50, seed: 1);
/// </code>
/// </example>
public static class GradProperty
{
    /// <summary>Checks <paramref name="f"/> on <paramref name="cases"/> random cases and returns the report.</summary>
    /// <param name="f">The function to check; it must work on float64 inputs.</param>
    /// <param name="specs">One spec per input of f.</param>
    /// <param name="cases">How many cases to draw.</param>
    /// <param name="seed">Fixes the cases; null picks a random seed (printed in the report).</param>
    /// <param name="options">Dimension sizes, shrinking budget and gradcheck tolerances.</param>
    /// <exception cref="ArgumentException">No spec, a spec with a bad shape or domain, or no differentiable input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">cases is not positive, or an option is out of range.</exception>
    public static GradPropertyReport Check(Func<Tensor[], Tensor> f, InputSpec[] specs, int cases = 100, ulong? seed = null, GradPropertyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        AutoGrad.Guard.Positive("GradProperty", nameof(cases), cases);
        options ??= new GradPropertyOptions();
        Validate(specs, options);

        var space = new GradPropertySpace([.. specs], options);
        ulong s = seed ?? (ulong)Random.Shared.NextInt64();
        var report = new GradPropertyReport(0, s);
        ulong c = s;
        for (int k = 0; k < cases; k++, c = Next(c))
        {
            report.CasesRun = k + 1;
            var drawn = space.Draw(c);
            var outcome = Evaluate(f, drawn, options);
            if (outcome.Passed) continue;
            var (shrunk, steps, final) = Shrink(f, space, drawn, outcome, options);
            report.FailingCaseIndex = k;
            report.FailingCaseSeed = c;
            report.Original = drawn;
            report.Shrunk = shrunk;
            report.ShrinkSteps = steps;
            report.Result = final.Result;
            report.Failure = final.Failure;
            return report;
        }
        return report;
    }

    /// <summary>Runs <see cref="Check"/> and throws when a case fails.</summary>
    /// <exception cref="GradPropertyException">A case failed; the message has the shrunk case and the replay seed.</exception>
    public static void Assert(Func<Tensor[], Tensor> f, InputSpec[] specs, int cases = 100, ulong? seed = null, GradPropertyOptions? options = null)
    {
        var report = Check(f, specs, cases, seed, options);
        if (!report.Passed) throw new GradPropertyException(report);
    }

    /// <summary>
    /// Checks the arguments as <see cref="Check"/> does and throws what it would throw: the
    /// building block for running the property under another framework (AutoGrad.FsCheck).
    /// </summary>
    /// <param name="specs">One spec per input of the function.</param>
    /// <param name="options">Dimension sizes, shrinking budget and gradcheck tolerances (null: defaults).</param>
    /// <exception cref="ArgumentNullException">specs is null.</exception>
    /// <exception cref="ArgumentException">No spec, a null spec, a spec with a bad shape or domain, or no differentiable input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static void Validate(InputSpec[] specs, GradPropertyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(specs);
        options?.Validate();
        if (specs.Length == 0) throw new ArgumentException("GradProperty: no input specs given", nameof(specs));
        for (int i = 0; i < specs.Length; i++)
        {
            if (specs[i] is null) throw new ArgumentException($"GradProperty: spec {i} is null", nameof(specs));
            specs[i].Validate(i);
        }
        if (!specs.Any(s => s.Differentiable))
            throw new ArgumentException("GradProperty: every input is Constant(), so there is no gradient to check", nameof(specs));
    }

    /// <summary>
    /// Draws the case that <paramref name="seed"/> stands for: the same case <see cref="Check"/>
    /// draws from that case seed (see <see cref="GradPropertyReport.FailingCaseSeed"/>).
    /// </summary>
    /// <param name="specs">One spec per input of the function.</param>
    /// <param name="seed">Fixes the dimension sizes and values.</param>
    /// <param name="options">Dimension sizes (<see cref="GradPropertyOptions.MinDim"/>, <see cref="GradPropertyOptions.MaxDim"/>); null: defaults.</param>
    /// <exception cref="ArgumentException">The arguments are refused as by <see cref="Validate"/>.</exception>
    public static GradPropertyCase Draw(InputSpec[] specs, ulong seed, GradPropertyOptions? options = null)
    {
        options ??= new GradPropertyOptions();
        Validate(specs, options);
        return new GradPropertySpace([.. specs], options).Draw(seed);
    }

    /// <summary>
    /// The smaller or simpler cases the built-in shrinker tries when <paramref name="failing"/>
    /// fails, in the order it tries them (see the remarks of <see cref="GradProperty"/>). Lazy:
    /// each candidate is built when enumerated. A shrinker keeps the first candidate that still
    /// fails the same way (<see cref="GradPropertyOutcome.FailsLike"/>) and asks again.
    /// </summary>
    /// <param name="failing">A case from <see cref="Draw"/>, <see cref="Check"/> or an earlier shrinking step.</param>
    /// <param name="options">The dimensions' minimum (<see cref="GradPropertyOptions.MinDim"/>); null: defaults.</param>
    /// <exception cref="ArgumentNullException">failing is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IEnumerable<GradPropertyCase> ShrinkCandidates(GradPropertyCase failing, GradPropertyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(failing);
        options ??= new GradPropertyOptions();
        options.Validate();
        return new GradPropertySpace(failing.Specs, options).Candidates(failing);
    }

    /// <summary>
    /// Runs the float64 gradient check of <paramref name="f"/> on <paramref name="c"/>'s inputs,
    /// as <see cref="Check"/> does for each case. An exception from f is a failure, not thrown.
    /// </summary>
    /// <param name="f">The function to check; it must work on float64 inputs.</param>
    /// <param name="c">The case: fresh input tensors are built from it.</param>
    /// <param name="options">The gradcheck tolerances (<see cref="GradPropertyOptions.GradCheck"/>); null: defaults.</param>
    /// <exception cref="ArgumentNullException">f or c is null.</exception>
    public static GradPropertyOutcome Evaluate(Func<Tensor[], Tensor> f, GradPropertyCase c, GradPropertyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(c);
        try
        {
            return GradPropertyOutcome.Checked(GradCheck.Run(f, c.Inputs(), options?.GradCheck));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return GradPropertyOutcome.Threw(e);
        }
    }

    /// <summary>Moves to the first candidate that fails like the current case, until none does or the budget is spent.</summary>
    private static (GradPropertyCase Case, int Steps, GradPropertyOutcome Outcome) Shrink(
        Func<Tensor[], Tensor> f, GradPropertySpace space, GradPropertyCase c, GradPropertyOutcome outcome, GradPropertyOptions options)
    {
        int steps = 0, tries = 0;
        bool progress = true;
        while (progress && tries < options.MaxShrinkTries)
        {
            progress = false;
            foreach (var candidate in space.Candidates(c))
            {
                if (++tries > options.MaxShrinkTries) break;
                var o = Evaluate(f, candidate, options);
                if (!o.FailsLike(outcome)) continue;
                c = candidate;
                outcome = o;
                steps++;
                progress = true;
                break;
            }
        }
        return (c, steps, outcome);
    }

    /// <summary>The next case seed: one SplitMix64 step.</summary>
    internal static ulong Next(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
