using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// Explains one gradient: the chain rule the tape actually applies from a loss down to one
/// parameter, step by step, so it can be held against a derivation on paper.
/// </summary>
/// <remarks>
/// Each step is an op on a path from the loss to the parameter, in the order backward applies
/// them: its local derivative, its input and output shapes, the source line that recorded it,
/// the norm of the gradient arriving at its output and of the gradient it sends toward the
/// parameter, and where broadcasting made it sum (a bias [3] added to [4, 3] gets its gradient
/// summed over axis 0). The gradients are computed by a retained backward that writes no
/// <see cref="Tensor.Grad"/>, so the model is left exactly as it was. Like the local check, it
/// needs the graph: call it before <c>Backward()</c> or after <c>Backward(retainGraph: true)</c>.
/// </remarks>
public static class Explain
{
    /// <summary>Traces ∂loss/∂parameter through the recorded graph.</summary>
    /// <param name="loss">A one-element tensor with a recorded graph.</param>
    /// <param name="parameter">A leaf that requires grad and that the loss depends on.</param>
    /// <exception cref="ArgumentException">The loss has no graph or more than one element; the parameter is not a leaf requiring grad, or the loss does not depend on it.</exception>
    /// <exception cref="AutogradException">The graph was freed by a Backward without retainGraph.</exception>
    public static GradientTrace Gradient(Tensor loss, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameter);
        var graph = TapeGraph.Of(loss, "Explain");
        if (!parameter.IsLeaf || !parameter.RequiresGrad)
            throw new ArgumentException(
                $"Explain: the parameter ({Node.Describe(parameter)}) must be a leaf with RequiresGrad = true{(parameter.IsLeaf ? "" : $"; this one was produced by '{parameter.GradFn!.Name}'")}", nameof(parameter));

        var onPath = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var n in graph.Nodes)
            if (n.Inputs.Any(t => ReferenceEquals(t, parameter) || (t.GradFn is { } p && onPath.Contains(p)))) onPath.Add(n);
        if (!onPath.Contains(loss.GradFn!))
            throw new ArgumentException(
                $"Explain: the loss does not depend on the parameter ({Node.Describe(parameter)}): no recorded op on the way to the loss reads it. Was it used under Tape.NoGrad, detached, or not at all?", nameof(parameter));

        var observer = GradientObserver.Run(loss, parameter, "Explain");
        var steps = new List<TraceStep>();
        for (int k = graph.Nodes.Count - 1; k >= 0; k--)
        {
            var node = graph.Nodes[k];
            if (!onPath.Contains(node)) continue;
            bool reached = observer.Seen.TryGetValue(node, out var seen);
            var edges = new List<TraceEdge>();
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                var t = node.Inputs[i];
                if (!ReferenceEquals(t, parameter) && !(t.GradFn is { } p && onPath.Contains(p))) continue;
                var axes = LocalRules.Broadcasts(node) && !Shapes.Equal(t.ShapeArray, node.OutputShape)
                    ? LocalRules.BroadcastAxes(t.ShapeArray, node.OutputShape) : [];
                var sent = reached ? seen.Sent[i] : null;
                edges.Add(new TraceEdge(i, graph.Label(t), t.ShapeArray, sent?.Norm ?? 0, axes, sent?.Values));
            }
            steps.Add(new TraceStep(graph.Number(node), node, LocalRules.Of(node), reached ? seen.Upstream.Norm : null, reached ? seen.Upstream.Values : null, edges));
        }
        var gradient = observer.WatchedGradient ?? Tensor.Zeros(parameter.DType, parameter.ShapeArray);
        return new GradientTrace(loss, parameter, graph.Label(parameter), graph.Nodes.Count, steps, gradient, observer.Contributions);
    }
}
