using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// The recorded graph behind a tensor, as the debugging tools read it: its nodes in execution
/// order (by <see cref="Node.Sequence"/>), each with a stable 1-based number, and labels for
/// the tensors that flow between them.
/// </summary>
internal sealed class TapeGraph
{
    private readonly Dictionary<Node, int> _number = new(ReferenceEqualityComparer.Instance);

    private TapeGraph(List<Node> nodes)
    {
        Nodes = nodes;
        for (int i = 0; i < nodes.Count; i++) _number[nodes[i]] = i + 1;
    }

    /// <summary>The nodes reachable from the root, earliest first.</summary>
    public List<Node> Nodes { get; }

    /// <summary>The node's number in execution order, from 1.</summary>
    public int Number(Node node) => _number[node];

    /// <summary>Collects the graph of <paramref name="root"/>.</summary>
    /// <exception cref="ArgumentException">The tensor has no recorded ops.</exception>
    /// <exception cref="AutogradException">The graph was freed by a Backward without retainGraph.</exception>
    public static TapeGraph Of(Tensor root, string tool)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.GradFn is null)
            throw new ArgumentException(
                $"{tool}: the tensor ({Node.Describe(root)}) has no recorded ops: it is a leaf, or it was computed under Tape.NoGrad, " +
                "or from inputs none of which has RequiresGrad = true", nameof(root));
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance) { root.GradFn };
        var stack = new Stack<Node>();
        stack.Push(root.GradFn);
        var nodes = new List<Node>();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.IsFreed)
                throw new AutogradException(
                    $"{tool}: the graph was freed by a Backward() without retainGraph ('{n.Name}' recorded at {n.Site} no longer holds its inputs). " +
                    $"Run {tool} before Backward, or call Backward(retainGraph: true) first.");
            nodes.Add(n);
            foreach (var input in n.Inputs)
                if (input.GradFn is { } p && seen.Add(p)) stack.Push(p);
        }
        nodes.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return new TapeGraph(nodes);
    }

    /// <summary><c>W</c> for a named tensor, <c>#3 tanh</c> for an op's output, <c>leaf</c> or <c>constant</c> otherwise.</summary>
    public string Label(Tensor t)
    {
        if (t.GradFn is { } p && _number.TryGetValue(p, out int k)) return t.Name is null ? $"#{k} {p.Name}" : $"{t.Name} (#{k} {p.Name})";
        if (t.Name is not null) return t.Name;
        return t.RequiresGrad ? "leaf" : "constant";
    }

    /// <summary>Label, dtype and shape of an input, e.g. <c>#3 tanh, float32 [4, 3]</c>.</summary>
    public string Describe(Tensor t) => $"{Label(t)}, {t.DType.Name()} {Shapes.Format(t.ShapeArray)}";

    /// <summary>The node's op name, marked when it is a user's custom op.</summary>
    public static string OpName(Node node) => IsCustom(node) ? $"{node.Name} (custom)" : node.Name;

    public static bool IsCustom(Node node) => node.GetType().DeclaringType == typeof(CustomOp);
}
