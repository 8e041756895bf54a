namespace AutoGrad.Training;

/// <summary>What a <see cref="DivergenceGuard"/> found non-finite.</summary>
public enum DivergenceKind
{
    /// <summary>The step's loss is NaN or ±∞.</summary>
    Loss,

    /// <summary>A parameter holds NaN or ±∞ after the optimizer step.</summary>
    Parameter,
}
