using System.Text;

namespace AutoGrad.Checking;

/// <summary>What <see cref="GradProperty.Check"/> found: pass, or the first failing case, shrunk, with a seed that replays it.</summary>
public sealed class GradPropertyReport
{
    internal GradPropertyReport(int cases, ulong seed) { CasesRun = cases; Seed = seed; }

    /// <summary>True when every case passed.</summary>
    public bool Passed => Failure is null;

    /// <summary>How many cases ran (up to and including the failing one).</summary>
    public int CasesRun { get; internal set; }

    /// <summary>The seed of the run: the same seed draws the same cases.</summary>
    public ulong Seed { get; }

    /// <summary>The seed of the failing case: a run with this seed draws it first.</summary>
    public ulong? FailingCaseSeed { get; internal set; }

    /// <summary>Position of the failing case in the run, from 0.</summary>
    public int? FailingCaseIndex { get; internal set; }

    /// <summary>The failing case as drawn.</summary>
    public GradPropertyCase? Original { get; internal set; }

    /// <summary>The smallest, simplest failing case shrinking found.</summary>
    public GradPropertyCase? Shrunk { get; internal set; }

    /// <summary>How many shrinking steps were taken (each one a smaller or simpler case that still fails).</summary>
    public int ShrinkSteps { get; internal set; }

    /// <summary>The gradient check of the shrunk case (null when the function threw instead).</summary>
    public GradCheckResult? Result { get; internal set; }

    /// <summary>Why the shrunk case fails: the gradient check's report or the exception.</summary>
    public string? Failure { get; internal set; }

    /// <summary>A readable report: the shrunk case, why it fails, the original case and how to replay it.</summary>
    public override string ToString()
    {
        if (Passed) return $"GradProperty passed: {CasesRun} cases agree with float64 central differences (seed {Seed}).";
        var sb = new StringBuilder();
        sb.Append($"GradProperty failed on case {FailingCaseIndex + 1} of the run with seed {Seed}.\n");
        sb.Append($"Shrunk in {ShrinkSteps} step{(ShrinkSteps == 1 ? "" : "s")} to:\n");
        sb.Append(Indent(Shrunk!.ToString())).Append('\n');
        sb.Append(Indent(Failure!)).Append('\n');
        sb.Append("Original failing case:\n").Append(Indent(Original!.ToString())).Append('\n');
        sb.Append($"Replay: pass seed: {FailingCaseSeed} to run the failing case first.");
        return sb.ToString();
    }

    private static string Indent(string s) => "  " + s.Replace("\n", "\n  ");
}
