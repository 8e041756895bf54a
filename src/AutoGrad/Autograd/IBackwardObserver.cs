namespace AutoGrad.Autograd;

/// <summary>
/// Sees each node's step of a backward pass: the gradient that arrived at its output and the
/// gradients its rule produced for its inputs (null where none is needed). Anomaly mode's backward
/// check (through <see cref="ITapeObserver.Backward"/>), and Explain and the DOT export (through
/// <see cref="Tape.Observe"/>) implement it; a backward without an observer pays one null check per node.
/// </summary>
internal interface IBackwardObserver
{
    void OnNode(Node node, Tensor gradOutput, Tensor?[] gradInputs);
}
