using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Support;

/// <summary>
/// The replay path of the property tests: what FsCheck 3.6 prints when a property fails, and that
/// pasting it into AUTOGRAD_REPLAY (here: into <see cref="PropertyConfig.For(int, string?)"/>, which
/// <see cref="PropertyConfig.For(int)"/> calls with the variable's value) reruns the failing case.
/// </summary>
public class PropertyConfigTests
{
    private static Arbitrary<int> Ints => Arb.From(Gen.Choose(0, 1000));

    /// <summary>Runs "x &lt; limit" under a configuration; returns FsCheck's report and every value tried.</summary>
    private static (string Report, List<int> Tried) Fail(Config config, int limit)
    {
        var tried = new List<int>();
        var e = Assert.ThrowsAny<Exception>(() => FsCheck.Check.One(config, Prop.ForAll(Ints, x =>
        {
            tried.Add(x);
            Assert.True(x < limit);
        })));
        return (e.Message, tried);
    }

    private static string Line(string report, string start) =>
        report.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public void ParsesWhatFsCheckPrints()
    {
        void Is(string text, ulong seed, ulong gamma, int? size)
        {
            var r = PropertyConfig.ParseReplay(text);
            Assert.Equal(seed, r.Rnd.Seed);
            Assert.Equal(gamma, r.Rnd.Gamma);
            Assert.Equal(size, r.Size is null ? null : r.Size.Value);
        }
        Is("7752708971612654423,11036019966511922551,21", 7752708971612654423, 11036019966511922551, 21);
        Is("(7752708971612654423,11036019966511922551,21).", 7752708971612654423, 11036019966511922551, 21);
        Is("Replay directly at failing step with (7752708971612654423,11036019966511922551,21).", 7752708971612654423, 11036019966511922551, 21);
        Is("Falsifiable, after 8 tests (3 shrinks) (2489701103973671975,4525665871503741111). ", 2489701103973671975, 4525665871503741111, null);
        Is(" ( 1, 3 ) ", 1, 3, null);
        Is("1,3", 1, 3, null);
        foreach (var bad in new[] { "", "1", "abc", "1,2,3,4", "1;2", "1,-2", "1,3,99999999999", "18446744073709551616,1", "1,2" /* FsCheck's gammas are odd */ })
        {
            var e = Assert.Throws<FormatException>(() => PropertyConfig.ParseReplay(bad));
            Assert.Contains("AUTOGRAD_REPLAY", e.Message);
        }
        Assert.Null(PropertyConfig.For(40, "  ").Replay);
        Assert.NotNull(PropertyConfig.For(40, "1,3").Replay);
    }

    [Fact]
    public void TheReplayDirectlyLineRerunsTheFailingCase()
    {
        // From a fixed start the property first fails at its second case (so FsCheck prints a
        // "Replay directly" line).
        var (report, tried) = Fail(PropertyConfig.For(40, "1,3"), 500);
        Assert.True(tried.Count >= 2 && tried[^1] >= 500 && tried.Take(tried.Count - 1).All(x => x < 500), string.Join(", ", tried));
        Assert.StartsWith($"Falsifiable, after {tried.Count} tests (0 shrinks) (1,3).", report);
        var line = Line(report, "Replay directly at failing step with (");
        Assert.Matches(@"^Replay directly at failing step with \(\d+,\d+,\d+\)\.$", line);
        Assert.Matches(@"Last step was invoked with size of \d+ and seed of \(\d+,\d+\)\.", report);

        // Pasting that line reruns only the failing case, which fails again at once.
        var (again, triedAgain) = Fail(PropertyConfig.For(40, line), 500);
        Assert.Equal([tried[^1]], triedAgain);
        Assert.StartsWith("Falsifiable, after 1 test (0 shrinks)", again);

        // The pair of the "Falsifiable" line reruns the whole sequence.
        var pair = Regex.Match(Line(report, "Falsifiable"), @"\(\d+,\d+\)\.\s*$").Value;
        var (_, triedFromStart) = Fail(PropertyConfig.For(40, pair), 500);
        Assert.Equal(tried, triedFromStart);
    }

    [Fact]
    public void AFailureAtTheFirstCaseHasOnlyTheFalsifiablePair()
    {
        var (report, tried) = Fail(PropertyConfig.For(40, "5,7"), -1);
        Assert.Single(tried);
        Assert.StartsWith("Falsifiable, after 1 test (0 shrinks) (5,7).", report);
        Assert.DoesNotContain("Replay directly", report);
        Assert.Matches(@"Last step was invoked with size of \d+ and seed of \(\d+,\d+\):", report);
        var (_, again) = Fail(PropertyConfig.For(40, Line(report, "Falsifiable")), -1);
        Assert.Equal(tried, again);
    }
}
