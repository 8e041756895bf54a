using System.Text;
using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// Exports a recorded graph in Graphviz DOT: a box per op (number in execution order, name,
/// output shape, source line) and an ellipse per leaf (name, dtype, shape; dashed when it does
/// not require grad), with edges from each input to the op that reads it. Render it with
/// <c>dot -Tsvg graph.dot -o graph.svg</c>.
/// </summary>
/// <remarks>
/// The text depends only on the graph (op numbers, names, shapes, file names and lines), never
/// on memory addresses or full paths, so it is stable from run to run. With
/// <c>gradientNorms: true</c> each edge also carries the norm of the gradient the op sends back
/// along it, from a retained backward that writes no <see cref="Tensor.Grad"/>; that needs a
/// one-element root. Like the other tools it needs the graph: export before <c>Backward()</c> or
/// after <c>Backward(retainGraph: true)</c>.
/// </remarks>
public static class Dot
{
    /// <summary>The DOT text of the graph that produced <paramref name="root"/>.</summary>
    /// <param name="root">The tensor whose graph to draw, usually the loss.</param>
    /// <param name="gradientNorms">Label edges with ‖∂root/∂input‖ as sent by each op (needs a one-element root).</param>
    /// <exception cref="ArgumentException">The tensor has no recorded ops, or gradient norms were asked for a root with more than one element.</exception>
    /// <exception cref="AutogradException">The graph was freed by a Backward without retainGraph.</exception>
    public static string Export(Tensor root, bool gradientNorms = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        var graph = TapeGraph.Of(root, "Dot.Export");
        var observer = gradientNorms ? GradientObserver.Run(root, null, "Dot.Export") : null;
        var leaves = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var sb = new StringBuilder();
        sb.Append("digraph tape {\n");
        sb.Append("  rankdir=LR;\n");
        sb.Append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        sb.Append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        foreach (var node in graph.Nodes)
            foreach (var t in node.Inputs)
                if (t.GradFn is null && !leaves.ContainsKey(t))
                {
                    int id = leaves.Count + 1;
                    leaves[t] = id;
                    string kind = t.RequiresGrad ? "requires grad" : "constant";
                    string style = t.RequiresGrad ? "" : ", style=dashed";
                    sb.Append($"  leaf{id} [shape=ellipse{style}, label=\"{Escape(t.Name ?? (t.RequiresGrad ? "leaf" : "constant"))}\\n{t.DType.Name()} {Shapes.Format(t.ShapeArray)}");
                    if (t.Name is not null) sb.Append($"\\n{kind}");
                    sb.Append("\"];\n");
                }
        foreach (var node in graph.Nodes)
        {
            int k = graph.Number(node);
            string extra = ReferenceEquals(node, root.GradFn) ? ", peripheries=2" : "";
            sb.Append($"  op{k} [shape=box{extra}, label=\"#{k} {Escape(TapeGraph.OpName(node))}\\n{Shapes.Format(node.OutputShape)}\\n{Escape(node.Site.ToString())}\"];\n");
        }
        foreach (var node in graph.Nodes)
        {
            int k = graph.Number(node);
            var sent = observer is not null && observer.Seen.TryGetValue(node, out var seen) ? seen.Sent : null;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                var t = node.Inputs[i];
                string from = t.GradFn is { } p ? $"op{graph.Number(p)}" : $"leaf{leaves[t]}";
                var label = new List<string>();
                if (node.Inputs.Count > 1) label.Add($"in {i}");
                if (sent?[i] is { } g) label.Add($"grad {DebugText.Num(g.Norm)}");
                var attributes = new List<string>();
                if (label.Count > 0) attributes.Add($"label=\"{string.Join("\\n", label)}\"");
                if (!t.RequiresGrad) attributes.Add("style=dashed");
                sb.Append($"  {from} -> op{k}");
                if (attributes.Count > 0) sb.Append($" [{string.Join(", ", attributes)}]");
                sb.Append(";\n");
            }
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
