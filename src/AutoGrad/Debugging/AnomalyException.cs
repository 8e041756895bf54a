using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// Thrown in anomaly mode (<see cref="Anomaly.Detect"/>) at the first non-finite value: in the
/// forward pass by the op that produced it, in the backward pass by the node whose backward rule
/// produced it.
/// </summary>
public sealed class AnomalyException : Exception
{
    internal AnomalyException(string message, AnomalyChecks phase, Node node, int input, int[] shape, List<(int[] Index, double Value)> values, int count)
        : base(message)
    {
        Phase = phase;
        Node = node;
        Input = input;
        Shape = shape;
        Values = values;
        Count = count;
    }

    /// <summary><see cref="AnomalyChecks.Forward"/> or <see cref="AnomalyChecks.Backward"/>.</summary>
    public AnomalyChecks Phase { get; }

    /// <summary>The op that produced the values (in the backward pass: whose backward rule did).</summary>
    public Node Node { get; }

    /// <summary>The op's name (a custom op's name for a custom op).</summary>
    public string OpName => Node.Name;

    /// <summary>The source line that recorded the op in the forward pass.</summary>
    public SourceSite Site => Node.Site;

    /// <summary>−1 for the op's output (forward); in the backward pass, the input whose gradient is non-finite.</summary>
    public int Input { get; }

    /// <summary>Shape of the tensor holding the values (the output, or the input gradient).</summary>
    public int[] Shape { get; }

    /// <summary>The first few non-finite elements: multi-index and value.</summary>
    public IReadOnlyList<(int[] Index, double Value)> Values { get; }

    /// <summary>How many elements are non-finite.</summary>
    public int Count { get; }
}
