using AutoGrad.Autograd;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Autograd;

public class CustomOpTests
{
    /// <summary>y = a·b + a (elementwise), with a correct backward written in tensor ops.</summary>
    private sealed class MulAdd : CustomOp
    {
        public override bool IsBackwardDifferentiable => true;
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0], x[1]);
            return x[0] * x[1] + x[0];
        }
        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g)
        {
            var s = ctx.SavedTensors;
            return [ctx.NeedsInputGrad(0) ? g * (s[1] + 1) : null, ctx.NeedsInputGrad(1) ? g * s[0] : null];
        }
    }

    private sealed class Identity : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x) => x[0];
        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g];
    }

    private sealed class BadShape : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x) => x[0] * 2;
        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g.Sum()];
    }

    [Fact]
    public void RecordedWithNameAndSourceLineAndGradchecked()
    {
        var a = Tensor.From(DType.Float64, [1, -2, 0.5], 3).RequireGrad();
        var b = Tensor.From(DType.Float64, [3, 0.25, -1], 3).RequireGrad();
        var y = new MulAdd().Apply(a, b);
        Assert.Equal("MulAdd", y.GradFn!.Name);
        Assert.EndsWith("CustomOpTests.cs", y.GradFn.Site.File);
        Assert.True(y.GradFn.Site.Line > 0);
        Assert.Equal([4.0, -2.5, 0], y.ToDoubleArray());
        GradCheck.Assert(xs => new MulAdd().Apply(xs[0], xs[1]), [a, b]);
    }

    [Fact]
    public void NotRecordedWhenNothingRequiresGrad()
    {
        var y = new MulAdd().Apply(Tensor.Ones(2), Tensor.Ones(2));
        Assert.Null(y.GradFn);
    }

    [Fact]
    public void ReturningAnInputGivesANewTensor()
    {
        var x = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        var y = new Identity().Apply(x);
        Assert.NotSame(x, y);
        (y * 3).Sum().Backward();
        Assert.Equal([3.0, 3.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void WrongGradientShapeIsReportedWithTheOpName()
    {
        var x = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        var e = Assert.Throws<AutogradException>(() => new BadShape().Apply(x).Sum().Backward());
        Assert.Contains("'BadShape'", e.Message);
        Assert.Contains("[]", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void SecondDerivativeThroughDifferentiableBackward()
    {
        var a = Tensor.From(DType.Float64, [2.0], 1).RequireGrad();
        var b = Tensor.From(DType.Float64, [3.0], 1).RequireGrad();
        // d/da (a·b + a)² = 2(ab + a)(b + 1); d²/da² = 2(b + 1)²
        var y = new MulAdd().Apply(a, b).Square().Sum();
        y.Backward(createGraph: true);
        var ga = a.Grad!;
        Assert.Equal(2 * (6 + 2) * 4.0, ga.Item(), 1e-12);
        a.Grad = null;
        b.Grad = null;
        ga.Sum().Backward();
        Assert.Equal(2 * 16.0, a.Grad!.Item(), 1e-12);
    }

    [Fact]
    public void CreateGraphThroughNonDifferentiableBackwardThrows()
    {
        var x = Tensor.From(DType.Float64, [1.0], 1).RequireGrad();
        var e = Assert.Throws<AutogradException>(() => new Identity().Apply(x).Square().Sum().Backward(createGraph: true));
        Assert.Contains("not differentiable", e.Message);
    }
}
