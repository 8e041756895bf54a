using AutoGrad.Autograd;
using AutoGrad.Debugging;

namespace AutoGrad.Checking;

/// <summary>The local check's verdict on one recorded op.</summary>
public sealed class NodeCheck
{
    internal NodeCheck(int number, Node node, NodeCheckStatus status, NodeCheckMode mode, int entries, int kinks, int undefined,
        int mismatches, GradCheckMismatch? worst, string? note)
    {
        Number = number;
        Node = node;
        Status = status;
        Mode = mode;
        EntriesChecked = entries;
        KinksAccepted = kinks;
        UndefinedEntries = undefined;
        MismatchCount = mismatches;
        Worst = worst;
        Note = note;
    }

    /// <summary>Position of the op in execution order among the checked graph's ops, from 1.</summary>
    public int Number { get; }

    /// <summary>The recorded node.</summary>
    public Node Node { get; }

    /// <summary>The op's name (a custom op's <see cref="CustomOp.Name"/>).</summary>
    public string OpName => Node.Name;

    /// <summary>True for a user-defined <see cref="CustomOp"/>.</summary>
    public bool IsCustomOp => TapeGraph.IsCustom(Node);

    /// <summary>The source line that recorded the op (unknown for operators unless <see cref="DebugSettings.CaptureStackTraces"/> is on).</summary>
    public SourceSite Site => Node.Site;

    /// <summary>Passed, failed or skipped.</summary>
    public NodeCheckStatus Status { get; }

    /// <summary>Full Jacobian or fast (vᵀJu) mode.</summary>
    public NodeCheckMode Mode { get; }

    /// <summary>Jacobian entries (full mode) or projections and sampled elements (fast mode) compared.</summary>
    public int EntriesChecked { get; }

    /// <summary>Entries accepted because they sit at a kink with the analytic value between the one-sided differences.</summary>
    public int KinksAccepted { get; }

    /// <summary>Entries left out because f(x ± eps) is not finite there (an input at the edge of the op's domain).</summary>
    public int UndefinedEntries { get; }

    /// <summary>How many compared entries disagree.</summary>
    public int MismatchCount { get; }

    /// <summary>
    /// The worst disagreement: the input (described by its label in the graph), its element, the
    /// output element (full mode), numeric and analytic values. In fast mode, when no sampled
    /// element disagrees, the projection itself (input −1).
    /// </summary>
    public GradCheckMismatch? Worst { get; }

    /// <summary>Why the node was skipped, or what else is worth knowing about the check.</summary>
    public string? Note { get; }

    /// <summary>The one-line result used in the report's table.</summary>
    public string Summary => Status switch
    {
        NodeCheckStatus.Passed => $"ok ({How}{(KinksAccepted > 0 ? $", {KinksAccepted} at kinks" : "")}{(UndefinedEntries > 0 ? $", {UndefinedEntries} undefined" : "")})",
        NodeCheckStatus.Failed => Worst is { Input: >= 0 } w
            ? $"FAILED: input {w.Input}{(w.Element.Length > 0 ? " at " + DebugText.Index(w.Element) : "")}: numeric {DebugText.Num(w.Numeric)}, analytic {DebugText.Num(w.Analytic)}"
            : Worst is { } p ? $"FAILED: projection vᵀJu: numeric {DebugText.Num(p.Numeric)}, analytic {DebugText.Num(p.Analytic)}" : $"FAILED: {Note}",
        _ => $"skipped: {Note}",
    };

    private string How => Mode == NodeCheckMode.FullJacobian ? $"full Jacobian, {EntriesChecked} {(EntriesChecked == 1 ? "entry" : "entries")}" : $"fast, {EntriesChecked} projections and samples";

    /// <summary>Op, site and the full result, with the worst mismatch when it failed.</summary>
    public override string ToString()
    {
        string head = $"#{Number} '{TapeGraph.OpName(Node)}' recorded at {Site}";
        if (Status != NodeCheckStatus.Failed) return $"{head}: {Summary}{(Status == NodeCheckStatus.Passed && Note is not null ? $"; {Note}" : "")}";
        var lines = new List<string> { head };
        if (Worst is not null) lines.Add("  " + Worst);
        string what = Mode == NodeCheckMode.FullJacobian ? "Jacobian entries" : "projections and sampled elements";
        lines.Add($"  {MismatchCount} of {EntriesChecked} {what} disagree.");
        if (Note is not null) lines.Add("  " + Note);
        return string.Join("\n", lines);
    }
}
