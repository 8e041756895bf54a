using AutoGrad.Checking;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace AutoGrad.FsCheck.Tests;

/// <summary>The FsCheck samples of docs/debugging-gradients.md run, and its printed failure is what FsCheck prints.</summary>
public class DocsTests
{
    [Fact]
    public void TheSoftsignFailureIsTheDocumentedOutputAndItsSeedReplaysIt()
    {
        var replay = Config.QuickThrowOnFailure.WithReplay(
            new Replay(new Rnd(7099288094903321735, 12756381475793908561), FSharpOption<int>.None));
        var e = Assert.ThrowsAny<Exception>(() =>
            global::FsCheck.Check.One(replay, GradProperties.For(xs => new Softsign().Apply(xs[0]), [InputSpec.Of("n, d")])));

        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "debugging-gradients.md"));
        int start = doc.IndexOf("```\nFalsifiable,", StringComparison.Ordinal) + 4;
        Assert.True(start > 4, "docs/debugging-gradients.md has no FsCheck failure block");
        var documented = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)].TrimEnd();
        Assert.Equal(Lines(documented), Lines(e.Message));
    }

    [Fact]
    public void TheCasesSampleRuns() =>
        Prop.ForAll(GradProperties.Cases([InputSpec.Of("n, d")]), c =>
        {
            var x = c.Inputs()[0];
            return MySoftmax(x).Sum(1).ToDoubleArray().All(s => Math.Abs(s - 1) < 1e-12);
        }).QuickCheckThrowOnFailure();

    private static Tensor MySoftmax(Tensor x)
    {
        var e = (x - x.Max(1, keepDim: true)).Exp();
        return e / e.Sum(1, keepDim: true);
    }

    private static string[] Lines(string s) => s.Replace("\r\n", "\n").Trim().Split('\n').Select(l => l.TrimEnd()).ToArray();

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoGrad.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DocsTests: AutoGrad.sln not found above the test binaries");
    }
}
