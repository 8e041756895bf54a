using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>Records, per node of one observed backward, the gradient that arrived and the norms of the gradients it sent.</summary>
internal sealed class GradientObserver : IBackwardObserver
{
    public readonly Dictionary<Node, (GradientSummary Upstream, GradientSummary?[] Sent)> Seen = new(ReferenceEqualityComparer.Instance);
    private readonly Tensor? _watch;
    private Tensor? _sum;

    /// <summary>Observes; when <paramref name="watch"/> is given, also sums the gradients sent to it.</summary>
    public GradientObserver(Tensor? watch = null) => _watch = watch;

    /// <summary>Number of gradients sent to the watched tensor.</summary>
    public int Contributions { get; private set; }

    /// <summary>The sum of the gradients sent to the watched tensor (null if none).</summary>
    public Tensor? WatchedGradient => _sum;

    public void OnNode(Node node, Tensor gradOutput, Tensor?[] gradInputs)
    {
        var sent = new GradientSummary?[gradInputs.Length];
        for (int i = 0; i < gradInputs.Length; i++)
        {
            if (gradInputs[i] is not { } g) continue;
            sent[i] = GradientSummary.Of(g);
            if (_watch is not null && ReferenceEquals(node.Inputs[i], _watch))
            {
                Contributions++;
                _sum = _sum is null ? g.Detach().Clone() : _sum + g.Detach();
            }
        }
        Seen[node] = (GradientSummary.Of(gradOutput), sent);
    }

    /// <summary>Runs a retained, side-effect-free backward from a one-element root.</summary>
    public static GradientObserver Run(Tensor root, Tensor? watch, string tool)
    {
        if (root.Numel != 1)
            throw new ArgumentException(
                $"{tool}: the loss has shape {Shapes.Format(root.ShapeArray)} ({root.Numel} elements); gradients are traced from a one-element loss. Reduce it first (e.g. .Sum() or .Mean()).", nameof(root));
        var observer = new GradientObserver(watch);
        using (Anomaly.Suspend()) Tape.Observe(root, null, observer);
        return observer;
    }
}
