namespace AutoGrad.Debugging;

/// <summary>Which passes anomaly mode watches for non-finite values (NaN, +∞, −∞).</summary>
[Flags]
public enum AnomalyChecks
{
    /// <summary>Nothing is checked.</summary>
    None = 0,

    /// <summary>The output of every recorded op, as it is recorded.</summary>
    Forward = 1,

    /// <summary>The input gradients every node's backward rule produces.</summary>
    Backward = 2,

    /// <summary>Both passes.</summary>
    All = Forward | Backward,
}
