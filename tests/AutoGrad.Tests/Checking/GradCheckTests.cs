using AutoGrad.Autograd;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Checking;

public class GradCheckTests
{
    /// <summary>y = x², with a planted wrong derivative 3x.</summary>
    private sealed class WrongSquare : CustomOp
    {
        public override string Name => "wrong_square";
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return x[0] * x[0];
        }
        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * ctx.SavedTensors[0] * 3];
    }

    [Fact]
    public void PassesForCorrectGradients()
    {
        var x = Tensor.From(DType.Float64, [0.3, -1.2, 2.0], 3).RequireGrad();
        var r = GradCheck.Run(t => (t.Exp() * (t * 0.5).Tanh()).Sum(), x);
        Assert.True(r.Passed, r.ToString());
        Assert.Equal(3, r.EntriesChecked);
        Assert.StartsWith("GradCheck passed", r.ToString());
    }

    [Fact]
    public void FailureNamesInputElementValuesAndError()
    {
        var x = Tensor.From(DType.Float64, [1, 2, 3, 4], 2, 2).RequireGrad();
        x.Name = "w";
        var r = GradCheck.Run(t => new WrongSquare().Apply(t).Sum(), x);
        Assert.False(r.Passed);
        Assert.Equal(4, r.Mismatches.Count);
        var worst = r.Worst!;
        Assert.Equal([1, 1], worst.Element);
        Assert.Equal(8.0, worst.Numeric, 1e-6);
        Assert.Equal(12.0, worst.Analytic, 1e-12);
        var text = r.ToString();
        Assert.Contains("input 0 (w float64 [2, 2]) at element [0, 0]", text);
        Assert.Contains("numeric 2", text);
        Assert.Contains("analytic 3", text);
        Assert.Contains("worst: input 0 (w float64 [2, 2]) at element [1, 1]", text);
        var e = Assert.Throws<GradCheckException>(() => GradCheck.Assert(t => new WrongSquare().Apply(t).Sum(), x));
        Assert.Same(e.Result.Mismatches[0].InputDescription, e.Result.Mismatches[0].InputDescription);
    }

    [Fact]
    public void NonScalarOutputsCheckTheWholeJacobian()
    {
        var x = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        var r = GradCheck.Run(t => new WrongSquare().Apply(t), x);
        Assert.Equal(4, r.EntriesChecked);
        Assert.Equal(2, r.Mismatches.Count);
        Assert.Equal([1], r.Mismatches[1].OutputElement);
    }

    [Fact]
    public void FastModeCatchesTheSameBug()
    {
        var x = Tensor.From(DType.Float64, [1, 2, 3], 3).RequireGrad();
        var r = GradCheck.Run(t => new WrongSquare().Apply(t).Sum(), x, new GradCheckOptions { Fast = true, Seed = 7 });
        Assert.False(r.Passed);
        Assert.True(r.Fast);
        Assert.Equal(1, r.EntriesChecked);
        Assert.True(GradCheck.Run(t => (t * t).Sum(), x, new GradCheckOptions { Fast = true }).Passed);
    }

    [Fact]
    public void Float32FunctionsAreCheckedAgainstFloat64Differences()
    {
        var x = Tensor.From(DType.Float32, [0.5, -0.25, 1.5], 3).RequireGrad();
        var r = GradCheck.Run(t => t.Sigmoid().Log().Sum(), x);
        Assert.True(r.Passed, r.ToString());
        Assert.Equal(1e-4, r.Atol);
        Assert.Equal(5e-3, r.Rtol);
    }

    [Fact]
    public void KinksAcceptAnyValueBetweenOneSidedDerivatives()
    {
        var x = Tensor.From(DType.Float64, [0.0, 1.0, -1.0], 3).RequireGrad();
        var r = GradCheck.Run(t => t.Relu().Sum() + t.Abs().Sum(), x);
        Assert.True(r.Passed, r.ToString());
        Assert.Equal(1, r.KinksAccepted);
        var strict = GradCheck.Run(t => t.Relu().Sum(), x, new GradCheckOptions { AllowKinks = false });
        Assert.False(strict.Passed);
    }

    [Fact]
    public void MaxTiesShareTheGradientWhichIsAccepted()
    {
        var x = Tensor.From(DType.Float64, [2, 2, 1], 3).RequireGrad();
        x.Max().Backward();
        Assert.Equal([0.5, 0.5, 0.0], x.Grad!.ToDoubleArray());
        var r = GradCheck.Run(t => t.Max(), Tensor.From(DType.Float64, [2, 2, 1], 3).RequireGrad());
        Assert.True(r.Passed, r.ToString());
    }

    [Fact]
    public void InputsWithoutRequiresGradAreHeldConstant()
    {
        var a = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        var b = Tensor.From(DType.Float64, [3, 4], 2);
        var r = GradCheck.Run(xs => (xs[0] * xs[1]).Sum(), [a, b]);
        Assert.True(r.Passed);
        Assert.Equal(2, r.EntriesChecked);
        Assert.Throws<ArgumentException>(() => GradCheck.Run(xs => xs[0].Sum(), [b]));
    }

    [Fact]
    public void UserTensorsAreNotModified()
    {
        var x = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        GradCheck.Run(t => (t * t).Sum(), x);
        Assert.Null(x.Grad);
        Assert.Equal([1.0, 2.0], x.ToDoubleArray());
    }

    [Fact]
    public void Float32OnlyConstantsGetAHelpfulMessage()
    {
        var x = Tensor.From(DType.Float32, [1, 2], 2).RequireGrad();
        var e = Assert.Throws<ArgumentException>(() => GradCheck.Run(t => (t * Tensor.Ones(2)).Sum(), x));
        Assert.Contains("float64", e.Message);
        Assert.Contains("dtype", e.Message);
    }
}
