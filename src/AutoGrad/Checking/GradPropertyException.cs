namespace AutoGrad.Checking;

/// <summary>Thrown by <see cref="GradProperty.Assert"/> when a case's gradient disagrees with central differences (or the function throws).</summary>
public sealed class GradPropertyException(GradPropertyReport report) : Exception(report.ToString())
{
    /// <summary>The full report, with the shrunk case and the replay seed.</summary>
    public GradPropertyReport Report { get; } = report;
}
