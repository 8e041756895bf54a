using AutoGrad.Checking;
using AutoGrad.Debugging;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Debugging;

[CollectionDefinition(nameof(DebugSettings), DisableParallelization = true)]
public sealed class DebugSettingsCollection;

/// <summary>
/// Operators cannot carry caller information; these tests toggle the process-wide
/// <see cref="DebugSettings.CaptureStackTraces"/> switch, so they run alone.
/// </summary>
[Collection(nameof(DebugSettings))]
public class SourceSiteCaptureTests
{
    private static int Line([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;

    [Fact]
    public void OperatorsHaveNoLineAndTheReportsSayWhatToDo()
    {
        var a = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        var loss = (a * a).Sum();
        var report = LocalCheck.Run(loss).ToString();
        Assert.Contains("\n  1  mul  [2]     unknown source", report);
        Assert.Contains("call the named method (Tensor.Mul(a, b), x.AddScalar(1)) or set DebugSettings.CaptureStackTraces = true", report);
        var trace = Explain.Gradient(loss, a).ToString();
        Assert.Contains("#1 mul at unknown source", trace);
        Assert.Contains("DebugSettings.CaptureStackTraces = true", trace);
    }

    [Fact]
    public void CapturingStackTracesGivesOperatorsTheirLine()
    {
        DebugSettings.CaptureStackTraces = true;
        try
        {
            var x = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
            var y = new WrongCube().Apply(x * x); int line = Line();
            var report = LocalCheck.Run(y.Sum());
            Assert.Equal(line, report.Nodes[0].Site.Line);
            Assert.Equal("SourceSiteCaptureTests.cs", Path.GetFileName(report.Nodes[0].Site.File));
            Assert.Equal(line, report.FirstFailure!.Site.Line);

            using var _ = Anomaly.Detect();
            var e = Assert.Throws<AnomalyException>(() => { var z = x - x; z.Log(); });
            Assert.Equal(Line() - 1, e.Site.Line);
        }
        finally
        {
            DebugSettings.CaptureStackTraces = false;
        }
    }
}
