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
        // |3 − 2| = 1 against 1e−5 + 1e−3·2; |12 − 8| = 4 against 1e−5 + 1e−3·8.
        Assert.Contains("first: input 0 (w float64 [2, 2]) at element [0, 0]: numeric 2, analytic 3, error 1 > tolerance 0.00201", text);
        Assert.Contains("worst: input 0 (w float64 [2, 2]) at element [1, 1]: numeric 8, analytic 12, error 4 > tolerance 0.00801", text);
        Assert.Equal(1.0, r.Mismatches[0].Error, 1e-6);
        Assert.Equal(0.00201, r.Mismatches[0].Tolerance, 1e-9);
        Assert.Equal(4.0, worst.Error, 1e-6);
        var e = Assert.Throws<GradCheckException>(() => GradCheck.Assert(t => new WrongSquare().Apply(t).Sum(), x));
        Assert.Equal(text, e.Message);
        Assert.Equal(4, e.Result.Mismatches.Count);
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

    /// <summary>y = f(x) with a backward that multiplies g by a chosen local gradient of x's values, right or wrong.</summary>
    private sealed class WithLocalGradient(Func<Tensor, Tensor> forward, Func<double[], double[]> local) : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return forward(x[0]);
        }
        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g)
        {
            var x = ctx.SavedTensors[0];
            return [g * Tensor.From(x.DType, local(x.ToDoubleArray()), x.Shape.ToArray())];
        }
    }

    private static GradCheckResult Elementwise(Func<Tensor, Tensor> f, Func<double, double> derivative, params double[] at) =>
        GradCheck.Run(t => new WithLocalGradient(f, xs => xs.Select(derivative).ToArray()).Apply(t).Sum(),
            Tensor.From(DType.Float64, at, at.Length).RequireGrad());

    [Fact]
    public void KinksRejectValuesOutsideTheOneSidedDerivatives()
    {
        // relu at 0: left slope 0, right slope 1, central difference 0.5. A backward giving 2 there is wrong.
        var bad = Elementwise(t => t.Relu(), v => v > 0 ? 1 : v == 0 ? 2 : 0, 0.0, 1.0, -1.0);
        Assert.False(bad.Passed);
        var m = Assert.Single(bad.Mismatches);
        Assert.Equal([0], m.Element);
        Assert.Equal(0.5, m.Numeric, 1e-9);
        Assert.Equal(2.0, m.Analytic);
        Assert.Equal(0, bad.KinksAccepted);
        Assert.Contains("at element [0]: numeric 0.5, analytic 2, error 1.5 > tolerance", bad.ToString());

        // The interval [0, 1] (within tolerance) is accepted, the ends included; just outside it is not.
        foreach (double atKink in new[] { 0.0, 0.3, 1.0, 1.0005 })
        {
            var r = Elementwise(t => t.Relu(), v => v > 0 ? 1 : v == 0 ? atKink : 0, 0.0, 1.0, -1.0);
            Assert.True(r.Passed, $"relu'(0) = {atKink}: {r}");
            Assert.Equal(1, r.KinksAccepted);
        }
        foreach (double atKink in new[] { -0.01, 1.01, -1.0 })
            Assert.False(Elementwise(t => t.Relu(), v => v > 0 ? 1 : v == 0 ? atKink : 0, 0.0, 1.0, -1.0).Passed, $"relu'(0) = {atKink}");

        // abs at 0: slopes −1 and 1.
        Assert.True(Elementwise(t => t.Abs(), v => v == 0 ? -0.9 : Math.Sign(v), 0.0, 2.0).Passed);
        foreach (double atKink in new[] { 1.5, -1.5 })
        {
            var r = Elementwise(t => t.Abs(), v => v == 0 ? atKink : Math.Sign(v), 0.0, 2.0);
            Assert.Equal([0], Assert.Single(r.Mismatches).Element);
        }

        // AllowKinks = false rejects even the library's own convention there.
        var strict = GradCheck.Run(t => t.Relu().Sum(), Tensor.From(DType.Float64, [0.0], 1).RequireGrad(), new GradCheckOptions { AllowKinks = false });
        Assert.Equal(0.0, Assert.Single(strict.Mismatches).Analytic);
    }

    [Fact]
    public void MaxTiesRejectAGradientOutsideTheOneSidedDerivatives()
    {
        // max of [2, 2, 1]: for each tied element the slope is 1 to the right and 0 to the left.
        // Giving 1.5 to the first is wrong; 0 to the second is inside [0, 1] and accepted.
        var x = Tensor.From(DType.Float64, [2, 2, 1], 3).RequireGrad();
        var r = GradCheck.Run(t => new WithLocalGradient(u => u.Max(), _ => [1.5, 0, 0]).Apply(t), x);
        Assert.False(r.Passed);
        var m = Assert.Single(r.Mismatches);
        Assert.Equal([0], m.Element);
        Assert.Equal(1.5, m.Analytic);
        Assert.Equal(0.5, m.Numeric, 1e-9);
        Assert.Equal(1, r.KinksAccepted);
        Assert.True(GradCheck.Run(t => new WithLocalGradient(u => u.Max(), _ => [1, 0, 0]).Apply(t), x).Passed);
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

    /// <summary>x³ with a correct backward and a forward-mode rule that is correct or off by a factor.</summary>
    private sealed class CubeWithJvp(double jvpFactor) : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return x[0] * x[0] * x[0];
        }

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * 3.0 * ctx.SavedTensors[0].Square()];
        protected override Tensor Jvp(CustomOpContext ctx, Tensor[] inputs, Tensor[] tangents, Tensor output) => tangents[0] * (3.0 * jvpFactor) * inputs[0].Square();
    }

    private sealed class CubeWithoutJvp : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return x[0] * x[0] * x[0];
        }

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * 3.0 * ctx.SavedTensors[0].Square()];
    }

    [Fact]
    public void ForwardModeChecksAJvpRuleColumnByColumn()
    {
        var x = Tensor.From(DType.Float64, [0.5, -2, 1.5]).RequireGrad();
        var good = GradCheck.Run(t => new CubeWithJvp(1).Apply(t).Sin(), x, new GradCheckOptions { Forward = true });
        Assert.True(good.Passed, good.ToString());
        Assert.Equal(18, good.EntriesChecked); // 9 Jacobian entries, reverse and forward

        var bad = GradCheck.Run(t => new CubeWithJvp(1.5).Apply(t), x, new GradCheckOptions { Forward = true });
        Assert.False(bad.Passed);
        Assert.All(bad.Mismatches, m => Assert.True(m.Forward));
        Assert.Equal(3, bad.Mismatches.Count); // the diagonal; the reverse rule is right
        Assert.Contains("forward mode (JVP), input 0", bad.ToString());
        // Without Forward the wrong JVP is not looked at.
        Assert.True(GradCheck.Run(t => new CubeWithJvp(1.5).Apply(t), x).Passed);
    }

    [Fact]
    public void FastForwardModeCatchesAWrongJvpToo()
    {
        var x = Tensor.From(DType.Float64, [0.5, -2, 1.5]).RequireGrad();
        Assert.True(GradCheck.Run(t => new CubeWithJvp(1).Apply(t), x, new GradCheckOptions { Forward = true, Fast = true, Seed = 3 }).Passed);
        var bad = GradCheck.Run(t => new CubeWithJvp(1.5).Apply(t), x, new GradCheckOptions { Forward = true, Fast = true, Seed = 3 });
        Assert.Single(bad.Mismatches);
        Assert.True(bad.Mismatches[0].Forward);
    }

    [Fact]
    public void ForwardModeOfACustomOpWithoutAJvpRuleIsAClearError()
    {
        var x = Tensor.From(DType.Float64, [0.5, -2]).RequireGrad();
        var e = Assert.Throws<AutogradException>(() => GradCheck.Run(t => new CubeWithoutJvp().Apply(t), x, new GradCheckOptions { Forward = true }));
        Assert.Contains("custom op 'CubeWithoutJvp' has no forward-mode rule", e.Message);
    }
}
