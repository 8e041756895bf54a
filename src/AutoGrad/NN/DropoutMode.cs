namespace AutoGrad.NN;

/// <summary>
/// Where dropout's (1 − p) factor goes. Both forms make the expected training-time output equal
/// the evaluation-time output: E[m·x·s] = (1 − p)·x·s for a keep mask m ~ Bernoulli(1 − p).
/// </summary>
public enum DropoutMode
{
    /// <summary>
    /// Inverted dropout (what PyTorch does; absent from the notes): while training,
    /// y = m ⊙ x / (1 − p), so E[y] = x; at evaluation y = x.
    /// </summary>
    Inverted,

    /// <summary>
    /// The notes' form (note 000, Srivastava et al.; note 002 with p = ½): while training,
    /// y = m ⊙ x with no scaling; at evaluation y = (1 − p)·x, which equals scaling the next
    /// layer's weights by 1 − p ("use the original network, but scale each weight by 1 − p").
    /// </summary>
    ScaleAtTest,
}
