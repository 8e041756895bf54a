using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// The local derivative each op applies (<see cref="Node.Rule"/>, written beside the op's
/// backward), so Explain can print the rule beside the numbers, and which ops broadcast.
/// </summary>
internal static class LocalRules
{
    /// <summary>The rule, "custom op: hand-written backward" for a custom op, or null for an op this table does not know.</summary>
    public static string? Of(Node node) =>
        node.Rule ?? (TapeGraph.IsCustom(node) ? "custom op: its hand-written Backward" : null);

    /// <summary>Whether the op broadcasts its inputs elementwise, so a smaller input's gradient is summed over the broadcast axes.</summary>
    public static bool Broadcasts(Node node) =>
        node is AddNode or SubNode or MulNode or DivNode or SafeMulNode or WhereNode or ExpandNode;

    /// <summary>The axes of <paramref name="output"/> that broadcasting added or stretched for an input of shape <paramref name="input"/>.</summary>
    public static int[] BroadcastAxes(int[] input, int[] output)
    {
        var axes = new List<int>();
        int lead = output.Length - input.Length;
        for (int d = 0; d < output.Length; d++)
            if (d < lead || (input[d - lead] == 1 && output[d] != 1)) axes.Add(d);
        return [.. axes];
    }
}
