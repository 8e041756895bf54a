using AutoGrad.Checking;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace AutoGrad.FsCheck.Tests;

public class GradPropertiesTests
{
    private static readonly InputSpec[] OneMatrix = [InputSpec.Of("n, d")];

    /// <summary>FsCheck's quick configuration, replaying a fixed seed: the same cases every run.</summary>
    private static Config Seeded(ulong seed, ulong gamma = 1234567) =>
        Config.QuickThrowOnFailure.WithReplay(new Replay(new Rnd(seed, gamma), FSharpOption<int>.None));

    private static FsCheckFailure Failure(Property property, Config? config = null)
    {
        var e = Assert.ThrowsAny<Exception>(() => global::FsCheck.Check.One(config ?? Config.QuickThrowOnFailure, property));
        return FsCheckFailure.Parse(e.Message);
    }

    [Fact]
    public void ACorrectFunctionPasses()
    {
        GradProperties.For(xs => new Cube().Apply(xs[0]), OneMatrix).QuickCheckThrowOnFailure();
        GradProperties.For(xs => Tensor.Add(Tensor.Matmul(xs[0], xs[1]), xs[2]).Tanh(),
            [InputSpec.Of("n, k"), InputSpec.Of("k, m"), InputSpec.Of("n?, m").Named("bias")]).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void APlantedWrongBackwardFailsWithTheShrunkCaseAndTheGradcheckFailure()
    {
        var e = Assert.ThrowsAny<Exception>(() =>
            global::FsCheck.Check.One(Seeded(5), GradProperties.For(xs => new WrongCube().Apply(xs[0]), OneMatrix)));
        var failure = FsCheckFailure.Parse(e.Message);
        // Shrunk to one element with a simple value (0 passes: both rules give 0 there); the printed case is the input's shape and values.
        Assert.Matches(@"^x0 float64 \[1, 1\] = \[-?1\]$", failure.Shrunk);
        Assert.StartsWith("x0 float64 [", failure.Original);
        // The gradient check's failure of the shrunk case: input, element, numeric and analytic values (3x² and 2x² at ±1).
        Assert.StartsWith("GradCheck failed: 1 of 1 Jacobian entries disagree", failure.Label);
        Assert.Contains("input 0 (x0 float64 [1, 1]) at element [0, 0] of output element [0, 0]: numeric 3, analytic 2", failure.Label);
        Assert.Contains($"({failure.Seed},{failure.Gamma})", e.Message);
    }

    [Fact]
    public void ShrinkingReachesTheSmallestShapes()
    {
        InputSpec[] specs = [InputSpec.Of("n, k"), InputSpec.Of("k, m"), InputSpec.Of("n?, m").Named("bias")];
        Func<Tensor[], Tensor> f = xs => new WrongCube().Apply(Tensor.Add(Tensor.Matmul(xs[0], xs[1]), xs[2]));
        var failure = Failure(GradProperties.For(f, specs), Seeded(17));
        var shrunk = failure.Shrunk.Split('\n');
        Assert.Equal(3, shrunk.Length);
        Assert.StartsWith("x0 float64 [1, 1] = ", shrunk[0]);
        Assert.StartsWith("x1 float64 [1, 1] = ", shrunk[1]);
        Assert.StartsWith("bias float64 [1, 1] = ", shrunk[2]);
        Assert.True(failure.Shrinks > 0);

        // The minimum comes from the options.
        var options = new GradPropertyOptions { MinDim = 2, MaxDim = 4 };
        shrunk = Failure(GradProperties.For(f, specs, options), Seeded(17)).Shrunk.Split('\n');
        Assert.StartsWith("x0 float64 [2, 2] = ", shrunk[0]);
        Assert.StartsWith("x1 float64 [2, 2] = ", shrunk[1]);
        Assert.StartsWith("bias float64 [1, 2] = ", shrunk[2]);
    }

    [Fact]
    public void FsChecksReplaySeedReproducesTheFailure()
    {
        // Wrong only above 1: most small cases pass, so the failing test is a later one.
        var property = GradProperties.For(xs => new WrongAboveOne().Apply(xs[0]), [InputSpec.Of("n").Between(-1.5, 1.5)]);
        var e = Assert.ThrowsAny<Exception>(() => property.QuickCheckThrowOnFailure());
        var first = FsCheckFailure.Parse(e.Message);
        Assert.StartsWith("x0 float64 [1] = [", first.Shrunk);
        Assert.True(double.Parse(first.Shrunk["x0 float64 [1] = [".Length..^1], System.Globalization.CultureInfo.InvariantCulture) > 1);

        // The printed seed replays the whole run: same tests, same shrinking, same message.
        var replay = Assert.ThrowsAny<Exception>(() => global::FsCheck.Check.One(Seeded(first.Seed, first.Gamma), property));
        Assert.Equal(e.Message, replay.Message);

        // A fixed seed gives the same failure on every run.
        var a = Assert.ThrowsAny<Exception>(() => global::FsCheck.Check.One(Seeded(3), property));
        var b = Assert.ThrowsAny<Exception>(() => global::FsCheck.Check.One(Seeded(3), property));
        Assert.Equal(a.Message, b.Message);
    }

    [Fact]
    public void TheLastStepsSeedAndSizeRunTheFailingCaseFirst()
    {
        var property = GradProperties.For(xs => new WrongAboveOne().Apply(xs[0]), [InputSpec.Of("n").Between(-1.5, 1.5)]);
        var e = Assert.ThrowsAny<Exception>(() => global::FsCheck.Check.One(Seeded(11), property));
        var m = System.Text.RegularExpressions.Regex.Match(e.Message, @"invoked with size of (\d+) and seed of \((\d+),(\d+)\)");
        Assert.True(m.Success, e.Message);
        var step = Config.QuickThrowOnFailure.WithReplay(
            new Replay(new Rnd(ulong.Parse(m.Groups[2].Value), ulong.Parse(m.Groups[3].Value)), FSharpOption<int>.Some(int.Parse(m.Groups[1].Value))));
        var replay = Assert.ThrowsAny<Exception>(() => global::FsCheck.Check.One(step, property));
        Assert.Contains("Falsifiable, after 1 test ", replay.Message);
        Assert.Equal(FsCheckFailure.Parse(e.Message).Original, FsCheckFailure.Parse(replay.Message).Original);
    }

    [Fact]
    public void AThrowingFunctionIsAFailureWithItsMessage()
    {
        var failure = Failure(GradProperties.For(xs => xs[0].Shape[0] > 2 ? throw new InvalidOperationException("too big") : xs[0].Exp(),
            [InputSpec.Of("n")]), Seeded(8));
        Assert.Equal("the function threw InvalidOperationException: too big", failure.Label);
        Assert.Matches(@"^x0 float64 \[3\] = \[0, 0, 0\]$", failure.Shrunk);
    }

    [Fact]
    public void ShrinkingKeepsOnlyCandidatesThatFailTheSameWay()
    {
        // At size 1 the function throws; above, its gradient is wrong. The first candidate of a wrong-gradient case
        // is size 1, which fails too, but another way: FsCheck alone would take it, the shrinker skips it.
        Func<Tensor[], Tensor> f = xs => xs[0].Shape[0] == 1 ? throw new InvalidOperationException("size 1") : new WrongCube().Apply(xs[0]);
        var failure = Failure(GradProperties.For(f, [InputSpec.Of("n")]), Seeded(1));
        Assert.StartsWith("GradCheck failed", failure.Label);
        Assert.StartsWith("x0 float64 [2] = ", failure.Shrunk);
    }

    [Fact]
    public void MaxShrinkTriesBoundsShrinking()
    {
        var failure = Failure(GradProperties.For(xs => new WrongCube().Apply(xs[0]), OneMatrix, new GradPropertyOptions { MaxShrinkTries = 0 }), Seeded(5));
        Assert.Equal(0, failure.Shrinks);
        Assert.Equal(failure.Original, failure.Shrunk);
    }

    [Fact]
    public void CasesFollowFsChecksSizeAndTheSpecs()
    {
        InputSpec[] specs = [InputSpec.Of("n, k"), InputSpec.Of("k").Positive(), InputSpec.Of("n?").NonZero(0.5).Constant()];
        var gen = GradProperties.Cases(specs).Generator;
        foreach (var c in gen.Sample(0, 30))
            Assert.All(c.Dims.Values, d => Assert.Equal(1, d));
        var large = gen.Sample(100, 200);
        Assert.All(large, c =>
        {
            Assert.Equal(c.Shapes[0][1], c.Shapes[1][0]);
            Assert.True(c.Shapes[2][0] == 1 || c.Shapes[2][0] == c.Shapes[0][0]);
            Assert.All(c.Values[1], v => Assert.InRange(v, 0.1, 3));
            Assert.All(c.Values[2], v => Assert.True(Math.Abs(v) >= 0.5 && Math.Abs(v) <= 2));
            Assert.All(c.Inputs(), (t, i) => Assert.Equal(i < 2, t.RequiresGrad));
        });
        Assert.Equal(4, large.Max(c => c.Dims["n"]));
        Assert.Contains(large, c => c.Shapes[2][0] == 1 && c.Shapes[0][0] > 1);

        // Cases is an ordinary arbitrary: a property of one's own over it.
        Prop.ForAll(GradProperties.Cases(specs), c => c.Shapes[0][0] == c.Dims["n"]).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TheShrinkerOfCasesIsTheLibrarysCandidates()
    {
        InputSpec[] specs = [InputSpec.Of("n, d"), InputSpec.Of("d?").Constant()];
        var options = new GradPropertyOptions { MaxDim = 3 };
        var c = GradProperty.Draw(specs, 42, options);
        var fromFsCheck = GradProperties.Cases(specs, options).Shrinker(c).Select(x => x.ToString()).ToList();
        var fromLibrary = GradProperty.ShrinkCandidates(c, options).Select(x => x.ToString()).ToList();
        Assert.NotEmpty(fromLibrary);
        Assert.Equal(fromLibrary, fromFsCheck);
    }

    [Fact]
    public void BadArgumentsAreRefusedLikeGradProperty()
    {
        Func<Tensor[], Tensor> f = xs => xs[0];
        Assert.Throws<ArgumentNullException>(() => GradProperties.For(null!, OneMatrix));
        Assert.Throws<ArgumentNullException>(() => GradProperties.For(f, null!));
        Assert.Throws<ArgumentNullException>(() => GradProperties.Cases(null!));
        var e = Assert.Throws<ArgumentException>(() => GradProperties.For(f, [InputSpec.Of("n, 2x")]));
        Assert.Contains("GradProperty: input 0's shape \"n, 2x\" has an invalid dimension \"2x\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperties.Cases([InputSpec.Of("n"), InputSpec.Of("n").Between(3, 1)]));
        Assert.Contains("input 1 needs finite Min <= Max, got Min 3, Max 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperties.For(f, [InputSpec.Of("n").Between(-0.1, 0.1).NonZero(0.5)]));
        Assert.Contains("no value to draw", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperties.For(f, [InputSpec.Of("n").Constant()]));
        Assert.Contains("every input is Constant()", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperties.For(f, []));
        Assert.Contains("no input specs given", e.Message);
        e = Assert.Throws<ArgumentException>(() => GradProperties.Cases([null!]));
        Assert.Contains("spec 0 is null", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => GradProperties.For(f, OneMatrix, new GradPropertyOptions { MinDim = 3, MaxDim = 2 }));
        Assert.Contains("MaxDim must be >= MinDim (3), got 2", r.Message);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => GradProperties.Cases(OneMatrix, new GradPropertyOptions { MaxShrinkTries = -1 }));
        Assert.Contains("MaxShrinkTries", r.Message);
    }

    // The sample of docs/debugging-gradients.md, verbatim.
    [Fact]
    public void HuberLossHasTheRightGradient() =>
        GradProperties.For(
            xs => Huber(xs[0], xs[1]),
            [InputSpec.Of("n, d"), InputSpec.Of("n, d").Constant().Named("target")])
            .QuickCheckThrowOnFailure();

    static Tensor Huber(Tensor prediction, Tensor target, double delta = 1.0)
    {
        var r = Tensor.Sub(prediction, target).Abs();
        return Tensor.Where(r.Le(delta), r.Square() * 0.5, (r - 0.5 * delta) * delta).Mean();
    }
}
