namespace AutoGrad.Checking;

/// <summary>How the local check compared one op's backward with central differences.</summary>
public enum NodeCheckMode
{
    /// <summary>Not compared (the node was skipped).</summary>
    None,

    /// <summary>Every Jacobian entry (small ops).</summary>
    FullJacobian,

    /// <summary>vᵀJu along random directions (large ops), with single elements sampled on a disagreement.</summary>
    Fast,
}
