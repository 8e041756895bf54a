using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// The local derivative each built-in op applies, in the notation of a derivation on paper, so
/// Explain can print the rule beside the numbers. G is the gradient arriving at the output.
/// </summary>
internal static class LocalRules
{
    private static readonly Dictionary<Type, string> s_rules = new()
    {
        [typeof(AddNode)] = "y = a + b;  ∂y/∂a = 1, ∂y/∂b = 1",
        [typeof(SubNode)] = "y = a − b;  ∂y/∂a = 1, ∂y/∂b = −1",
        [typeof(MulNode)] = "y = a·b;  ∂y/∂a = b, ∂y/∂b = a",
        [typeof(DivNode)] = "y = a/b;  ∂y/∂a = 1/b, ∂y/∂b = −a/b²",
        [typeof(SafeMulNode)] = "y = a·b (0 if a or b is 0);  ∂y/∂a = b, ∂y/∂b = a",
        [typeof(WhereNode)] = "y = cond ? a : b;  ∂y/∂a = [cond], ∂y/∂b = [not cond]",
        [typeof(NegNode)] = "y = −x;  ∂y/∂x = −1",
        [typeof(ExpNode)] = "y = eˣ;  ∂y/∂x = y",
        [typeof(LogNode)] = "y = ln x;  ∂y/∂x = 1/x",
        [typeof(SqrtNode)] = "y = √x;  ∂y/∂x = 1/(2y)",
        [typeof(AbsNode)] = "y = |x|;  ∂y/∂x = sign(x)",
        [typeof(SignNode)] = "y = sign(x);  ∂y/∂x = 0",
        [typeof(TanhNode)] = "y = tanh x;  ∂y/∂x = 1 − y²",
        [typeof(SigmoidNode)] = "y = σ(x);  ∂y/∂x = y(1 − y)",
        [typeof(ReluNode)] = "y = max(x, 0);  ∂y/∂x = [x > 0]",
        [typeof(SoftplusNode)] = "y = ln(1 + eˣ);  ∂y/∂x = σ(x)",
        [typeof(PowNode)] = "y = xᵖ;  ∂y/∂x = p·xᵖ⁻¹",
        [typeof(AddScalarNode)] = "y = x + c;  ∂y/∂x = 1",
        [typeof(MulScalarNode)] = "y = c·x;  ∂y/∂x = c",
        [typeof(CastNode)] = "y = x in another dtype;  ∂y/∂x = 1",
        [typeof(MatmulNode)] = "Y = A·B;  ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G",
        [typeof(SumNode)] = "y = Σ x over axes;  ∂y/∂x = 1 (G copied back over the summed axes)",
        [typeof(MaxNode)] = "y = max x over axes;  ∂y/∂x = 1/k at the k maximal elements, 0 elsewhere",
        [typeof(ReshapeNode)] = "same elements, new shape;  G reshaped back",
        [typeof(PermuteNode)] = "axes reordered;  G permuted back",
        [typeof(ExpandNode)] = "x broadcast to a larger shape;  G summed over the broadcast axes",
        [typeof(SliceNode)] = "a range along one axis;  G zero-padded back",
        [typeof(PadNode)] = "zeros added along one axis;  G sliced back",
        [typeof(ConcatNode)] = "inputs joined along one axis;  each gets its slice of G",
        [typeof(GatherNode)] = "one element picked per position;  G scattered back to the picked elements",
        [typeof(ScatterAddNode)] = "elements added into positions;  G gathered from them",
        [typeof(IndexSelectNode)] = "slices picked along one axis;  G added back to each picked slice",
        [typeof(IndexAddNode)] = "slices added into positions;  G selected from them",
    };

    /// <summary>The rule, "custom op: hand-written backward" for a custom op, or null for an op this table does not know.</summary>
    public static string? Of(Node node) =>
        s_rules.TryGetValue(node.GetType(), out var r) ? r : TapeGraph.IsCustom(node) ? "custom op: its hand-written Backward" : null;

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
