using System.Text;
using AutoGrad.Autograd;
using AutoGrad.Debugging;

namespace AutoGrad.Checking;

/// <summary>What <see cref="LocalCheck.Run"/> found: one <see cref="NodeCheck"/> per recorded op, in execution order.</summary>
public sealed class LocalCheckReport
{
    internal LocalCheckReport(IReadOnlyList<NodeCheck> nodes, int recorded)
    {
        Nodes = nodes;
        Recorded = recorded;
    }

    /// <summary>Every op checked, earliest first.</summary>
    public IReadOnlyList<NodeCheck> Nodes { get; }

    /// <summary>How many ops the graph holds (more than <see cref="Nodes"/> when the check stopped at the first failure).</summary>
    public int Recorded { get; }

    /// <summary>True when no op disagrees (skipped ops do not count against it).</summary>
    public bool Passed => FirstFailure is null;

    /// <summary>The earliest op (in execution order) whose backward disagrees with central differences, or null.</summary>
    public NodeCheck? FirstFailure => Nodes.FirstOrDefault(n => n.Status == NodeCheckStatus.Failed);

    /// <summary>Every op that disagrees.</summary>
    public IEnumerable<NodeCheck> Failures => Nodes.Where(n => n.Status == NodeCheckStatus.Failed);

    /// <summary>Every op that could not be checked.</summary>
    public IEnumerable<NodeCheck> Skipped => Nodes.Where(n => n.Status == NodeCheckStatus.Skipped);

    /// <summary>A table of every op (number, op, output shape, source line, result), then the first disagreement in full.</summary>
    public override string ToString()
    {
        int failed = Failures.Count(), skipped = Skipped.Count(), passed = Nodes.Count - failed - skipped;
        var sb = new StringBuilder();
        sb.Append($"Local gradient check: {Recorded} recorded op{(Recorded == 1 ? "" : "s")}, each replayed in float64 against central differences: ");
        sb.Append($"{passed} passed, {failed} failed, {skipped} skipped");
        if (Nodes.Count < Recorded) sb.Append($", {Recorded - Nodes.Count} not checked (stopped at the first failure)");
        sb.Append(".\n");
        var rows = Nodes.Select(n => new[] { n.Number.ToString(), TapeGraph.OpName(n.Node), Shapes.Format(n.Node.OutputShape), n.Site.ToString(), n.Summary }).ToList();
        string[] head = ["#", "op", "output", "recorded at", "result"];
        var widths = new int[head.Length - 1];
        for (int c = 0; c < widths.Length; c++) widths[c] = rows.Select(r => r[c].Length).Append(head[c].Length).Max();
        void Row(string[] cells)
        {
            sb.Append("  ");
            for (int c = 0; c < widths.Length; c++) sb.Append(c == 0 ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c])).Append("  ");
            sb.Append(cells[^1]).Append('\n');
        }
        Row(head);
        foreach (var r in rows) Row(r);
        if (FirstFailure is { } f) sb.Append("First disagreement: ").Append(f).Append('\n');
        if (Nodes.Any(n => !n.Site.IsKnown)) sb.Append("Some ops have no known source line. ").Append(DebugText.UnknownSiteAdvice).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }
}
