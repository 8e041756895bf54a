using AutoGrad.Autograd;
using AutoGrad.Checking;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Checking;

public class LocalCheckTests
{
    [Fact]
    public void FindsThePlantedWrongBackwardAndItsLine()
    {
        var net = new SmallNet();
        var (loss, line) = net.Loss(new WrongCube());
        var report = LocalCheck.Run(loss);
        Assert.False(report.Passed);
        var f = report.FirstFailure!;
        Assert.Equal("WrongCube", f.OpName);
        Assert.True(f.IsCustomOp);
        Assert.Equal("TestModels.cs", Path.GetFileName(f.Site.File));
        Assert.Equal(line, f.Site.Line);
        Assert.Equal(NodeCheckMode.FullJacobian, f.Mode);
        Assert.Single(report.Failures);
        var w = f.Worst!;
        Assert.Equal(0, w.Input);
        Assert.Equal(2, w.Element.Length);
        // The planted rule gives 2x² where the truth is 3x²: the ratio shows the factor error.
        Assert.Equal(1.5, w.Numeric / w.Analytic, 6);
        var text = report.ToString();
        Assert.Contains($"First disagreement: #4 'WrongCube (custom)' recorded at TestModels.cs:{line}", text);
        Assert.Contains("input 0 (#3 tanh, float32 [5, 6])", text);
        Assert.DoesNotContain("/", text.Replace("n/a", ""));
    }

    [Fact]
    public void ACorrectModelPasses()
    {
        var net = new SmallNet();
        var (loss, _) = net.Loss(new Cube());
        var report = LocalCheck.Run(loss);
        Assert.True(report.Passed, report.ToString());
        Assert.Empty(report.Skipped);
        Assert.Equal(report.Recorded, report.Nodes.Count);
        Assert.True(report.Nodes.Count >= 8);
        Assert.All(report.Nodes, n => Assert.Equal(NodeCheckStatus.Passed, n.Status));
        Assert.Equal(Enumerable.Range(1, report.Recorded), report.Nodes.Select(n => n.Number));
        // Execution order: the first op is the first matmul, the last the negation of the mean.
        Assert.Equal("matmul", report.Nodes[0].OpName);
        Assert.Equal("neg", report.Nodes[^1].OpName);
        LocalCheck.Assert(loss);
    }

    [Fact]
    public void AssertThrowsWithTheReport()
    {
        var (loss, line) = new SmallNet().Loss(new WrongCube());
        var e = Assert.Throws<LocalCheckException>(() => LocalCheck.Assert(loss));
        Assert.Contains($"TestModels.cs:{line}", e.Message);
        Assert.Equal("WrongCube", e.Report.FirstFailure!.OpName);
    }

    [Fact]
    public void FastModeFindsTheBugAndNamesTheElement()
    {
        var (loss, line) = new SmallNet().Loss(new WrongCube());
        var report = LocalCheck.Run(loss, new LocalCheckOptions { FullJacobianLimit = 1 });
        var f = report.FirstFailure!;
        Assert.Equal("WrongCube", f.OpName);
        Assert.Equal(line, f.Site.Line);
        Assert.Equal(NodeCheckMode.Fast, f.Mode);
        Assert.Equal(0, f.Worst!.Input);
        Assert.Equal(2, f.Worst.Element.Length);
        Assert.Single(report.Failures);
    }

    [Fact]
    public void FastModeOnACorrectModelPasses()
    {
        var (loss, _) = new SmallNet().Loss(new Cube());
        var report = LocalCheck.Run(loss, new LocalCheckOptions { FullJacobianLimit = 1, Seed = 3 });
        Assert.True(report.Passed, report.ToString());
        // Every node with more than one Jacobian entry goes through fast mode.
        foreach (var n in report.Nodes)
        {
            long entries = n.Node.Inputs.Where(t => t.RequiresGrad).Sum(t => (long)t.Numel) * Shapes.Numel(n.Node.OutputShape);
            Assert.Equal(entries > 1 ? NodeCheckMode.Fast : NodeCheckMode.FullJacobian, n.Mode);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)]
    public void InputsAtKinksDoNotFail(int fullLimit)
    {
        // Relu of relu: the second relu sees exact zeros (its kink); the max over a row of zeros
        // is a tie; abs sees exact zeros. A projection through many kinks mixes one-sided
        // derivatives, so fast mode rechecks element by element and at a nearby point.
        var x = Tensor.Normal(new Generator(0), 0, 1, DType.Float64, 6, 8).RequireGrad();
        x.Detach().AsSpan<double>()[..8].Fill(-1);
        var r = x.Relu().Relu();
        var loss = Tensor.Add(r.Max(1).Sum(), r.Abs().Sum());
        var report = LocalCheck.Run(loss, new LocalCheckOptions { FullJacobianLimit = fullLimit });
        Assert.True(report.Passed, report.ToString());
        if (fullLimit == 1) Assert.Contains("sit at kinks", report.Nodes[1].Note);
        else Assert.True(report.Nodes[1].KinksAccepted > 0 && report.Nodes[2].KinksAccepted > 0);
    }

    [Fact]
    public void SafeLogInWhereIsCheckedWithoutTheNonFiniteBranch()
    {
        var x = Tensor.From(DType.Float32, [0, -1, 2, 0.5], 4).RequireGrad();
        var y = Tensor.Where(x.Gt(0), x.Log(), 0.0).Sum();
        var report = LocalCheck.Run(y);
        Assert.True(report.Passed, report.ToString());
        var log = report.Nodes.Single(n => n.OpName == "log");
        Assert.Equal(NodeCheckStatus.Passed, log.Status);
        Assert.Contains("2 output elements were non-finite", log.Note);
        // Where's condition is not differentiated: only the two branches are.
        var where = report.Nodes.Single(n => n.OpName == "where");
        Assert.Equal(4 * 4, where.EntriesChecked);
    }

    [Fact]
    public void AnOpThatCannotRunInFloat64IsSkippedNotFailed()
    {
        var x = Tensor.From(DType.Float32, [1, 2, 3], 3).RequireGrad();
        var loss = new Float32Only().Apply(x).Sum();
        var report = LocalCheck.Run(loss);
        Assert.True(report.Passed);
        var s = Assert.Single(report.Skipped);
        Assert.Equal("Float32Only", s.OpName);
        Assert.Contains("the float64 replay threw InvalidOperationException", s.Note);
        Assert.Contains("skipped: the float64 replay threw", report.ToString());
    }

    [Fact]
    public void CastsReplayAsIdentityOrAreSkipped()
    {
        var x = Tensor.From(DType.Float32, [1, 2, 3], 3).RequireGrad();
        var up = x.To(DType.Float64).Exp().Sum();
        var r = LocalCheck.Run(up);
        Assert.True(r.Passed, r.ToString());
        Assert.Equal(NodeCheckStatus.Passed, r.Nodes.Single(n => n.OpName == "to").Status);

        var d = Tensor.From(DType.Float64, [1, 2, 3], 3).RequireGrad();
        var down = d.To(DType.Float32).Exp().Sum();
        r = LocalCheck.Run(down);
        Assert.True(r.Passed, r.ToString());
        var cast = r.Nodes.Single(n => n.OpName == "to");
        Assert.Equal(NodeCheckStatus.Skipped, cast.Status);
        Assert.Equal("the replay returns float32 for float64 inputs, so it cannot be checked in float64", cast.Note);
    }

    [Fact]
    public void ABackwardReturningAWrongShapeFails()
    {
        var x = Tensor.From(DType.Float32, [1, 2, 3], 3).RequireGrad();
        var loss = new WrongShape().Apply(x).Sum();
        var f = LocalCheck.Run(loss).FirstFailure!;
        Assert.Equal("WrongShape", f.OpName);
        Assert.Contains("its backward failed", f.Note);
    }

    [Fact]
    public void AFreedGraphGivesAClearError()
    {
        var (loss, _) = new SmallNet().Loss(new Cube());
        loss.Backward();
        var e = Assert.Throws<AutogradException>(() => LocalCheck.Run(loss));
        Assert.Contains("freed by a Backward() without retainGraph", e.Message);
        Assert.Contains("Run LocalCheck before Backward, or call Backward(retainGraph: true) first", e.Message);
    }

    [Fact]
    public void ARetainedGraphCanBeCheckedAfterBackward()
    {
        var net = new SmallNet();
        var (loss, _) = net.Loss(new WrongCube());
        loss.Backward(retainGraph: true);
        var grad = net.W1.Grad!.ToFloatArray();
        Assert.Equal("WrongCube", LocalCheck.Run(loss).FirstFailure!.OpName);
        // The check leaves the user's gradients alone.
        Assert.Equal(grad, net.W1.Grad!.ToFloatArray());
    }

    [Fact]
    public void ALeafHasNothingToCheck()
    {
        var x = Tensor.Ones(3).RequireGrad();
        var e = Assert.Throws<ArgumentException>(() => LocalCheck.Run(x));
        Assert.Contains("LocalCheck: the tensor", e.Message);
        Assert.Contains("has no recorded ops", e.Message);
    }

    [Fact]
    public void StopAtFirstFailureStops()
    {
        var (loss, _) = new SmallNet().Loss(new WrongCube());
        var report = LocalCheck.Run(loss, new LocalCheckOptions { StopAtFirstFailure = true });
        Assert.Equal(4, report.Nodes.Count);
        Assert.True(report.Recorded > 4);
        Assert.Contains($"{report.Recorded - 4} not checked (stopped at the first failure)", report.ToString());
    }

    [Fact]
    public void BadOptionsAreRefused()
    {
        var (loss, _) = new SmallNet().Loss(new Cube());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LocalCheck.Run(loss, new LocalCheckOptions { Directions = 0 }));
        Assert.Contains("Directions must be > 0, got 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LocalCheck.Run(loss, new LocalCheckOptions { Eps = -1 }));
    }

    [Fact]
    public void AWrongOpInsideACompositionIsFoundAmongLibraryOps()
    {
        // The wrong op feeds a softmax (a library composition) and a reduction.
        var x = Tensor.From(DType.Float64, [0.2, -0.4, 0.9, 1.1, -0.3, 0.5], 2, 3).RequireGrad();
        var y = new WrongCube().Apply(x.Softmax(1)); int line = SmallNet.Line();
        var report = LocalCheck.Run(y.Sum());
        Assert.Equal(line, report.FirstFailure!.Site.Line);
        Assert.Single(report.Failures);
    }

    private sealed class Float32Only : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            var y = Tensor.Zeros(x[0].Shape.ToArray());
            var src = x[0].AsSpan<float>();
            var dst = y.AsSpan<float>();
            for (int i = 0; i < src.Length; i++) dst[i] = 2 * src[i];
            return y;
        }

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * 2.0];
    }

    private sealed class WrongShape : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x) => x[0] * 2.0;

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g.Sum()];
    }
}
