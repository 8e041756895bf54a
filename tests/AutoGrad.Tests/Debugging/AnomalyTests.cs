using AutoGrad.Autograd;
using AutoGrad.Debugging;

namespace AutoGrad.Tests.Debugging;

public class AnomalyTests
{
    private static int Line([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;

    [Fact]
    public void ForwardNamesTheOpTheLineTheShapeAndTheValues()
    {
        var x = Tensor.From(DType.Float32, [1, 0, 2, 0], 2, 2).RequireGrad();
        var h = Tensor.Add(x, x);
        using (Anomaly.Detect())
        {
            var e = Assert.Throws<AnomalyException>(() => { h.Log(); });
            int line = Line() - 1;
            Assert.Equal(AnomalyChecks.Forward, e.Phase);
            Assert.Equal("log", e.OpName);
            Assert.Equal(line, e.Site.Line);
            Assert.Equal("AnomalyTests.cs", Path.GetFileName(e.Site.File));
            Assert.Equal(-1, e.Input);
            Assert.Equal([2, 2], e.Shape);
            Assert.Equal(2, e.Count);
            Assert.Equal([0, 1], e.Values[0].Index);
            Assert.Equal(double.NegativeInfinity, e.Values[0].Value);
            Assert.Equal([1, 1], e.Values[1].Index);
            Assert.Contains($"anomaly (forward): 'log' recorded at AnomalyTests.cs:{line} produced 2 non-finite values in its output float32 [2, 2]: [0, 1] = -inf, [1, 1] = -inf.", e.Message);
            Assert.Contains("Inputs: input 0 float32 [2, 2] (at those elements: [0, 1] = 0, [1, 1] = 0).", e.Message);
            Assert.Contains("Its inputs are finite, so this op is where the non-finite values first appear.", e.Message);
        }
    }

    [Fact]
    public void AnOperatorIsNamedWithItsLineInAnomalyMode()
    {
        // Operators carry no caller information; anomaly mode captures their line from the stack.
        var x = Tensor.From(DType.Float32, [1, 2], 2).RequireGrad();
        var zero = Tensor.From(DType.Float32, [1, 0], 2);
        using (Anomaly.Detect())
        {
            var e = Assert.Throws<AnomalyException>(() => { _ = x / zero; }); int line = Line();
            Assert.Equal("div", e.OpName);
            Assert.Equal(line, e.Site.Line);
            Assert.Equal("AnomalyTests.cs", Path.GetFileName(e.Site.File));
            Assert.Contains($"'div' recorded at AnomalyTests.cs:{line}", e.Message);
        }
    }

    [Fact]
    public void ANonFiniteLeafIsBlamedOnItsSource()
    {
        var x = Tensor.From(DType.Float64, [1, double.NaN], 2).RequireGrad();
        x.Name = "data";
        using var _ = Anomaly.Detect();
        var e = Assert.Throws<AnomalyException>(() => x.Exp());
        Assert.Equal("exp", e.OpName);
        Assert.Contains("input 0 data float64 [2] (already non-finite: [1] = NaN)", e.Message);
        Assert.Contains("Input 0 was not produced by a recorded op (a leaf, data, or a value computed under NoGrad)", e.Message);
    }

    [Fact]
    public void BackwardNamesTheOpWhoseRuleProducedTheValue()
    {
        var x = Tensor.From(DType.Float32, [4, 0, 1], 3).RequireGrad();
        using (Anomaly.Detect())
        {
            var y = x.Sqrt(); int line = Line();
            // (Not y·y: its gradient at y = 0 is exactly 0, and 0·∞ stays 0 by the NaN-safe rule.)
            var loss = y.Sum();
            var e = Assert.Throws<AnomalyException>(() => loss.Backward());
            Assert.Equal(AnomalyChecks.Backward, e.Phase);
            Assert.Equal("sqrt", e.OpName);
            Assert.Equal(line, e.Site.Line);
            Assert.Equal(0, e.Input);
            Assert.Equal([3], e.Shape);
            Assert.Equal([1], e.Values.Single().Index);
            Assert.True(double.IsInfinity(e.Values.Single().Value));
            Assert.Contains($"anomaly (backward): the backward of 'sqrt' recorded at AnomalyTests.cs:{line} (output float32 [3]) produced 1 non-finite value in the gradient for input 0 (float32 [3]): [1] = inf.", e.Message);
            Assert.Contains("The gradient arriving at its output is finite", e.Message);
            // A failed backward writes no gradient.
            Assert.Null(x.Grad);
        }
    }

    [Fact]
    public void ACustomOpsBackwardIsNamedWithItsApplyLine()
    {
        var x = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        using var _ = Anomaly.Detect(AnomalyChecks.Backward);
        var y = new NaNBackward().Apply(x); int line = Line();
        var e = Assert.Throws<AnomalyException>(() => y.Sum().Backward());
        Assert.Equal("NaNBackward", e.OpName);
        Assert.Equal(line, e.Site.Line);
    }

    [Fact]
    public void SafeLogTripsForwardChecksButNotBackwardChecks()
    {
        var x = Tensor.From(DType.Float32, [0, -1, 2], 3).RequireGrad();
        using (Anomaly.Detect())
            Assert.Equal("log", Assert.Throws<AnomalyException>(() => Tensor.Where(x.Gt(0), x.Log(), 0.0)).OpName);
        using (Anomaly.Detect(AnomalyChecks.Backward))
        {
            Tensor.Where(x.Gt(0), x.Log(), 0.0).Sum().Backward();
            Assert.Equal([0f, 0f, 0.5f], x.Grad!.ToFloatArray());
        }
    }

    [Fact]
    public void OffByDefaultAndRestoredOnDispose()
    {
        Assert.Equal(AnomalyChecks.None, Anomaly.Current);
        var x = Tensor.From(DType.Float32, [0f], 1).RequireGrad();
        Assert.True(float.IsNegativeInfinity(x.Log().ToFloatArray()[0]));
        using (Anomaly.Detect())
        {
            Assert.Equal(AnomalyChecks.All, Anomaly.Current);
            using (Anomaly.Detect(AnomalyChecks.Backward))
            {
                Assert.Equal(AnomalyChecks.Backward, Anomaly.Current);
                Assert.True(float.IsNegativeInfinity(x.Log().ToFloatArray()[0])); // no forward check
            }
            Assert.Equal(AnomalyChecks.All, Anomaly.Current);
            Assert.Throws<AnomalyException>(() => x.Log());
        }
        Assert.Equal(AnomalyChecks.None, Anomaly.Current);
        Assert.True(float.IsNegativeInfinity(x.Log().ToFloatArray()[0]));
    }

    [Fact]
    public async Task TheScopeFlowsAcrossAwaitAndIntoTasks()
    {
        var x = Tensor.From(DType.Float32, [0f], 1).RequireGrad();
        using (Anomaly.Detect())
        {
            await Task.Yield();
            Assert.Throws<AnomalyException>(() => x.Log());
            await Task.Run(() => Assert.Throws<AnomalyException>(() => x.Log()));
        }
        // A flow that never opened a scope does not see another flow's scope.
        using var gate = new ManualResetEventSlim();
        var outside = Task.Run(() => { gate.Wait(); return Anomaly.Current; });
        using (Anomaly.Detect())
        {
            gate.Set();
            Assert.Equal(AnomalyChecks.None, await outside);
        }
    }

    [Fact]
    public void NoGradOpsAreNotChecked()
    {
        var x = Tensor.From(DType.Float32, [0f], 1).RequireGrad();
        using var _ = Anomaly.Detect();
        Tensor y;
        using (Tape.NoGrad()) y = x.Log();
        // Computed (log 0 = -inf) and not recorded, so there is nothing to check ...
        Assert.True(float.IsNegativeInfinity(y.ToFloatArray()[0]));
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        // ... while the scope is on: the same op, recorded, is reported.
        Assert.Equal("log", Assert.Throws<AnomalyException>(() => x.Log()).OpName);
    }

    private sealed class NaNBackward : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x) => x[0] * 2.0;

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * double.NaN];
    }
}
