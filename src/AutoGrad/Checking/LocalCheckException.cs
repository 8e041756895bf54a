namespace AutoGrad.Checking;

/// <summary>Thrown by <see cref="LocalCheck.Assert"/> when a recorded op's backward disagrees with central differences.</summary>
public sealed class LocalCheckException(LocalCheckReport report) : Exception(report.ToString())
{
    /// <summary>The full report.</summary>
    public LocalCheckReport Report { get; } = report;
}
