using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>One application of the chain rule in <see cref="Explain.Gradient"/>: an op on a path from the loss to the parameter.</summary>
public sealed class TraceStep
{
    internal TraceStep(int number, Node node, string? rule, double? upstreamNorm, string? upstreamValues, IReadOnlyList<TraceEdge> edges)
    {
        Number = number;
        Node = node;
        Rule = rule;
        UpstreamNorm = upstreamNorm;
        UpstreamValues = upstreamValues;
        Edges = edges;
    }

    /// <summary>The op's number in execution order (as in the local check and the DOT export).</summary>
    public int Number { get; }

    /// <summary>The recorded node.</summary>
    public Node Node { get; }

    /// <summary>The op's name.</summary>
    public string OpName => Node.Name;

    /// <summary>Where the op was recorded.</summary>
    public SourceSite Site => Node.Site;

    /// <summary>The local derivative the op applies, e.g. <c>y = tanh x;  ∂y/∂x = 1 − y²</c> (null if unknown).</summary>
    public string? Rule { get; }

    /// <summary>‖∂loss/∂y‖ for the op's output y, summed over its consumers; null when no gradient reached the op.</summary>
    public double? UpstreamNorm { get; }

    /// <summary>The values of ∂loss/∂y when y has at most 4 elements, as text; null otherwise.</summary>
    public string? UpstreamValues { get; }

    /// <summary>The gradients sent to the inputs that lie on a path to the parameter.</summary>
    public IReadOnlyList<TraceEdge> Edges { get; }
}
