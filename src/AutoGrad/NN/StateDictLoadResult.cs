namespace AutoGrad.NN;

/// <summary>
/// What <see cref="Module.LoadStateDict"/> did not match (PyTorch's <c>_IncompatibleKeys</c>): the
/// module's keys the state dict lacked (those kept their values) and the state dict's keys the
/// module does not have (skipped). Both are empty after a strict load.
/// </summary>
/// <param name="MissingKeys">The module's keys that were not in the state dict, in the module's order.</param>
/// <param name="UnexpectedKeys">The state dict's keys that the module does not have, in the state dict's order.</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>True when every key matched.</summary>
    public bool IsExactMatch => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;
}
