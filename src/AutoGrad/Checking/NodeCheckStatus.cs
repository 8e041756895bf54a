namespace AutoGrad.Checking;

/// <summary>What the local check concluded about one recorded op.</summary>
public enum NodeCheckStatus
{
    /// <summary>The backward rule agrees with float64 central differences at the recorded inputs.</summary>
    Passed,

    /// <summary>The backward rule disagrees with central differences.</summary>
    Failed,

    /// <summary>The op could not be checked (see <see cref="NodeCheck.Note"/> for why); not a failure.</summary>
    Skipped,
}
