using AutoGrad.Autograd;
using AutoGrad.Checking;
using AutoGrad.Tests.Support;
using GradProperty = AutoGrad.Checking.GradProperty;

namespace AutoGrad.Tests.Checking;

public class GradPropertyTests
{
    private static readonly InputSpec[] OneMatrix = [InputSpec.Of("n, d")];

    [Fact]
    public void ACorrectCustomOpPasses()
    {
        var report = GradProperty.Check(xs => new Cube().Apply(xs[0]), OneMatrix, cases: 40, seed: 1);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(40, report.CasesRun);
        Assert.Equal("GradProperty passed: 40 cases agree with float64 central differences (seed 1).", report.ToString());
        GradProperty.Assert(xs => new Cube().Apply(xs[0]), OneMatrix, cases: 10, seed: 2);
    }

    [Fact]
    public void APlantedWrongOpFailsWithAShrunkCaseAndAReplaySeed()
    {
        var report = GradProperty.Check(xs => new WrongCube().Apply(xs[0]), OneMatrix, cases: 40, seed: 5);
        Assert.False(report.Passed);
        Assert.Equal(0, report.FailingCaseIndex);
        var shrunk = report.Shrunk!;
        // Shrinking reaches a single element with a simple value (0 passes: both rules give 0 there).
        Assert.Equal([1, 1], shrunk.Shapes[0]);
        double v = Assert.Single(shrunk.Values[0]);
        Assert.Contains(v, new[] { 1.0, -1.0 });
        Assert.True(report.ShrinkSteps > 0);
        Assert.NotNull(report.Result);
        Assert.False(report.Result!.Passed);
        var text = report.ToString();
        Assert.Contains("Shrunk in", text);
        Assert.Contains($"x0 float64 [1, 1] = [{v}]", text);
        Assert.Contains($"Replay: pass seed: {report.FailingCaseSeed} to run the failing case first.", text);

        // The failing case's seed draws that case first.
        var replay = GradProperty.Check(xs => new WrongCube().Apply(xs[0]), OneMatrix, cases: 1, seed: report.FailingCaseSeed);
        Assert.False(replay.Passed);
        Assert.Equal(0, replay.FailingCaseIndex);
        Assert.Equal(report.Original!.Values[0], replay.Original!.Values[0]);
        Assert.Equal(report.Original.Shapes[0], replay.Original.Shapes[0]);
        Assert.Equal(report.ToString().Split('\n')[1..], replay.ToString().Split('\n')[1..]);
    }

    [Fact]
    public void AConditionalBugIsFoundLaterAndShrunkToOneElement()
    {
        // Wrong only above 1: most small cases pass, the failing one is shrunk to a single value above 1.
        var specs = new[] { InputSpec.Of("n").Between(-1.5, 1.5) };
        var report = GradProperty.Check(xs => new WrongAboveOne().Apply(xs[0]), specs, cases: 200, seed: 11);
        Assert.False(report.Passed, report.ToString());
        Assert.Equal([1], report.Shrunk!.Shapes[0]);
        Assert.True(report.Shrunk.Values[0][0] > 1);
        Assert.Equal(Math.Round(report.Shrunk.Values[0][0], 1), report.Shrunk.Values[0][0]);
        var replay = GradProperty.Check(xs => new WrongAboveOne().Apply(xs[0]), specs, cases: 1, seed: report.FailingCaseSeed);
        Assert.Equal(0, replay.FailingCaseIndex);
    }

    [Fact]
    public void TheSameSeedGivesTheSameRun()
    {
        var a = GradProperty.Check(xs => new WrongCube().Apply(xs[0]), OneMatrix, cases: 5, seed: 99);
        var b = GradProperty.Check(xs => new WrongCube().Apply(xs[0]), OneMatrix, cases: 5, seed: 99);
        Assert.Equal(a.ToString(), b.ToString());
    }

    [Fact]
    public void WithoutASeedTheRandomSeedIsReportedAndReplays()
    {
        var a = GradProperty.Check(xs => new WrongCube().Apply(xs[0]), OneMatrix, cases: 3);
        var b = GradProperty.Check(xs => new WrongCube().Apply(xs[0]), OneMatrix, cases: 3, seed: a.Seed);
        Assert.Equal(a.ToString(), b.ToString());
    }

    [Fact]
    public void NamedDimensionsAreSharedAndBroadcastDimensionsCanBeOne()
    {
        var specs = new[] { InputSpec.Of("n, k"), InputSpec.Of("k, m"), InputSpec.Of("n?, m").Named("bias") };
        bool sawOne = false, sawFull = false;
        var report = GradProperty.Check(xs =>
        {
            Assert.Equal(xs[0].Shape[1], xs[1].Shape[0]);
            Assert.True(xs[2].Shape[0] == 1 || xs[2].Shape[0] == xs[0].Shape[0]);
            if (xs[0].Shape[0] > 1) { sawOne |= xs[2].Shape[0] == 1; sawFull |= xs[2].Shape[0] > 1; }
            return Tensor.Add(Tensor.Matmul(xs[0], xs[1]), xs[2]);
        }, specs, cases: 60, seed: 3);
        Assert.True(report.Passed, report.ToString());
        Assert.True(sawOne && sawFull);
    }

    [Fact]
    public void ValueDomainsAreRespected()
    {
        var specs = new[] { InputSpec.Of("n").Positive(), InputSpec.Of("n").NonZero(0.5), InputSpec.Of("3").Between(4, 5).Constant() };
        var report = GradProperty.Check(xs =>
        {
            Assert.All(xs[0].ToDoubleArray(), v => Assert.InRange(v, 0.1, 3));
            Assert.All(xs[1].ToDoubleArray(), v => Assert.True(Math.Abs(v) >= 0.5 && Math.Abs(v) <= 2));
            Assert.All(xs[2].ToDoubleArray(), v => Assert.InRange(v, 4, 5));
            Assert.False(xs[2].RequiresGrad);
            return Tensor.Div(xs[0].Log(), xs[1]) * xs[2].Sum();
        }, specs, cases: 30, seed: 4);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void AThrowingFunctionIsAFailureWithItsMessage()
    {
        var report = GradProperty.Check(xs => xs[0].Shape[0] > 2 ? throw new InvalidOperationException("too big") : xs[0].Exp(),
            [InputSpec.Of("n")], cases: 50, seed: 8);
        Assert.False(report.Passed);
        Assert.Contains("the function threw InvalidOperationException: too big", report.Failure);
        Assert.Equal([3], report.Shrunk!.Shapes[0]);
    }

    [Fact]
    public void AssertThrowsWithTheReport()
    {
        var e = Assert.Throws<GradPropertyException>(() => GradProperty.Assert(xs => new WrongCube().Apply(xs[0]), OneMatrix, cases: 5, seed: 1));
        Assert.False(e.Report.Passed);
        Assert.Contains("Replay: pass seed:", e.Message);
    }

    [Fact]
    public void BadSpecsAreRefusedWithTheInputAndTheProblem()
    {
        Func<Tensor[], Tensor> f = xs => xs[0];
        var e = Assert.Throws<ArgumentException>(() => GradProperty.Check(f, [InputSpec.Of("n, 2x")]));
        Assert.Contains("input 0's shape \"n, 2x\" has an invalid dimension \"2x\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperty.Check(f, [InputSpec.Of("n"), InputSpec.Of("n").Between(3, 1)]));
        Assert.Contains("input 1 needs finite Min <= Max, got Min 3, Max 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperty.Check(f, [InputSpec.Of("n").Between(-0.1, 0.1).NonZero(0.5)]));
        Assert.Contains("no value to draw", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperty.Check(f, [InputSpec.Of("n").Constant()]));
        Assert.Contains("every input is Constant()", e.Message);
        Assert.Throws<ArgumentException>(() => GradProperty.Check(f, []));
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => GradProperty.Check(f, OneMatrix, cases: 0));
        Assert.Contains("cases must be > 0, got 0", r.Message);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => GradProperty.Check(f, OneMatrix, options: new GradPropertyOptions { MinDim = 3, MaxDim = 2 }));
        Assert.Contains("MaxDim must be >= MinDim (3), got 2", r.Message);
    }

    [Fact]
    public void DrawGivesTheCaseCheckDrawsFromThatSeed()
    {
        var report = GradProperty.Check(xs => new WrongAboveOne().Apply(xs[0]), [InputSpec.Of("n").Between(-1.5, 1.5)], cases: 200, seed: 11);
        Assert.True(report.FailingCaseIndex > 0);
        var drawn = GradProperty.Draw([InputSpec.Of("n").Between(-1.5, 1.5)], report.FailingCaseSeed!.Value);
        Assert.Equal(report.Original!.ToString(), drawn.ToString());
        Assert.Equal(GradProperty.Draw(OneMatrix, 7).ToString(), GradProperty.Draw(OneMatrix, 7).ToString());
        var small = GradProperty.Draw([InputSpec.Of("n, k"), InputSpec.Of("k")], 3, new GradPropertyOptions { MinDim = 2, MaxDim = 2 });
        Assert.Equal(new Dictionary<string, int> { ["n"] = 2, ["k"] = 2 }, small.Dims);
        Assert.Throws<ArgumentException>(() => GradProperty.Draw([InputSpec.Of("n").Constant()], 1));
    }

    [Fact]
    public void ShrinkCandidatesAreWhatTheShrinkerTriesInOrder()
    {
        var options = new GradPropertyOptions { MinDim = 1, MaxDim = 3 };
        var c = Enumerable.Range(0, 50).Select(s => GradProperty.Draw(OneMatrix, (ulong)s, options)).First(x => x.Dims["n"] == 3 && x.Dims["d"] == 3);
        var candidates = GradProperty.ShrinkCandidates(c, options).ToList();
        // n at the minimum, n one smaller (first values kept), then the same keeping the last values; then d.
        Assert.Equal([1, 3], candidates[0].Shapes[0]);
        Assert.Equal(c.Values[0][..3], candidates[0].Values[0]);
        Assert.Equal([2, 3], candidates[1].Shapes[0]);
        Assert.Equal([1, 3], candidates[2].Shapes[0]);
        Assert.Equal(c.Values[0][6..], candidates[2].Values[0]);
        Assert.Equal([3, 1], candidates[4].Shapes[0]);
        // Then all values at 0, at 1, ...
        Assert.All(candidates[8].Values[0], v => Assert.Equal(0, v));
        Assert.All(candidates[9].Values[0], v => Assert.Equal(1, v));
        // A case that cannot get smaller or simpler has no candidates.
        var one = GradProperty.Draw(OneMatrix, 1, options with { MaxDim = 1 });
        var zero = GradProperty.ShrinkCandidates(one, options).First();
        Assert.Equal([0.0], zero.Values[0]);
        Assert.Empty(GradProperty.ShrinkCandidates(zero, options));
        Assert.Throws<ArgumentNullException>(() => GradProperty.ShrinkCandidates(null!));
    }

    [Fact]
    public void EvaluateReturnsTheGradientCheckOrTheException()
    {
        var c = GradProperty.Draw(OneMatrix, 5);
        var ok = GradProperty.Evaluate(xs => new Cube().Apply(xs[0]), c);
        Assert.True(ok.Passed);
        Assert.True(ok.Result!.Passed);
        Assert.Null(ok.Failure);
        Assert.False(ok.FailsLike(ok));

        var wrong = GradProperty.Evaluate(xs => new WrongCube().Apply(xs[0]), c);
        Assert.False(wrong.Passed);
        Assert.Equal(wrong.Result!.ToString(), wrong.Failure);
        Assert.Contains("numeric", wrong.ToString());
        Assert.True(wrong.FailsLike(GradProperty.Evaluate(xs => new WrongCube().Apply(xs[0]) * 2.0, c)));

        var threw = GradProperty.Evaluate(_ => throw new InvalidOperationException("no"), c);
        Assert.Null(threw.Result);
        Assert.IsType<InvalidOperationException>(threw.Exception);
        Assert.Equal("the function threw InvalidOperationException: no", threw.Failure);
        Assert.False(threw.FailsLike(wrong));
        Assert.True(threw.FailsLike(GradProperty.Evaluate(_ => throw new InvalidOperationException("other"), c)));
        Assert.False(threw.FailsLike(GradProperty.Evaluate(_ => throw new ArgumentException("no"), c)));
    }

    // The sample of docs/debugging-gradients.md, verbatim.
    [Fact]
    public void HuberLossHasTheRightGradient() =>
        GradProperty.Assert(
            xs => Huber(xs[0], xs[1]),
            [InputSpec.Of("n, d"), InputSpec.Of("n, d").Constant().Named("target")],
            cases: 50, seed: 1);

    static Tensor Huber(Tensor prediction, Tensor target, double delta = 1.0)
    {
        var r = Tensor.Sub(prediction, target).Abs();
        return Tensor.Where(r.Le(delta), r.Square() * 0.5, (r - 0.5 * delta) * delta).Mean();
    }

    /// <summary>y = x²/2 for x ≤ 1 (dy/dx = x), with a planted error above 1 (it returns 2x there).</summary>
    private sealed class WrongAboveOne : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return x[0].Square() * 0.5;
        }

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g)
        {
            var x = ctx.SavedTensors[0];
            return [g * Tensor.Where(x.Gt(1), x * 2.0, x)];
        }
    }
}
