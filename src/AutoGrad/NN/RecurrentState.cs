namespace AutoGrad.NN;

/// <summary>
/// The state of a recurrent layer between sequences, as PyTorch's <c>h_n</c> (and <c>c_n</c> for an
/// LSTM): <see cref="H"/> (and <see cref="C"/>) of shape [layers·directions, batch, hidden], entry
/// layer·directions + direction (direction 1 is the reverse one of a bidirectional layer).
/// </summary>
/// <param name="H">The hidden state h of every layer and direction.</param>
/// <param name="C">The LSTM cell state c (null for RNN and GRU).</param>
public sealed record RecurrentState(Tensor H, Tensor? C = null)
{
    /// <summary>
    /// The same values cut from the tape: the state to carry into the next batch in truncated
    /// backprop through time (stateful training), so the gradient stops at the batch boundary.
    /// </summary>
    public RecurrentState Detach() => new(H.Detach(), C?.Detach());
}
