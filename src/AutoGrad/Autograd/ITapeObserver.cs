namespace AutoGrad.Autograd;

/// <summary>
/// Watches what the tape records and differentiates: how anomaly mode attaches without the tape
/// knowing it. Attached for a scope with <see cref="Tape.Attach"/>, which flows with async/await
/// like <see cref="Tape.NoGrad"/>; when none is attached anywhere, recording an op pays one read of
/// a static field for it.
/// </summary>
internal interface ITapeObserver
{
    /// <summary>Called after an op recorded <paramref name="node"/> as the producer of <paramref name="output"/>.</summary>
    void OnRecord(Node node, Tensor output);

    /// <summary>What sees each node's step of a backward pass, or null.</summary>
    IBackwardObserver? Backward { get; }

    /// <summary>Whether ops called without caller information (operators) should find their source line from the stack.</summary>
    bool WantsSourceLines { get; }
}
