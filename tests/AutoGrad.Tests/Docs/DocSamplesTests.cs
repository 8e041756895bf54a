using System.Text.RegularExpressions;

namespace AutoGrad.Tests.Docs;

/// <summary>The docs' code samples run, and the docs show exactly the code that is compiled here.</summary>
public partial class DocSamplesTests
{
    [Fact]
    public void ModelsSampleRuns() => DocSamples.Models();

    [Fact]
    public void LossesSampleRuns() => DocSamples.Losses();

    [Fact]
    public void RegularizationAndDropoutSampleRuns() => DocSamples.RegularizationAndDropout();

    [Fact]
    public void PerformanceSampleRunsAndLearns()
    {
        var losses = DocSamples.Performance();
        Assert.True(losses[^1] < losses[0], string.Join(", ", losses));
    }

    [Theory]
    [InlineData("performance.md")]
    [InlineData("models.md")]
    [InlineData("losses.md")]
    [InlineData("regularization-and-dropout.md")]
    public void DocsBlockIsTheCompiledSample(string page)
    {
        var root = RepositoryRoot();
        var doc = File.ReadAllText(Path.Combine(root, "docs", page));
        var source = Normalize(File.ReadAllText(Path.Combine(root, "tests", "AutoGrad.Tests", "Docs", "DocSamples.cs")));
        var blocks = CSharpBlock().Matches(doc).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        foreach (var b in blocks)
            Assert.True(source.Contains(Normalize(b), StringComparison.Ordinal), $"the C# block of docs/{page} is not in DocSamples.cs: update one from the other");
    }

    // Compares code lines only: indentation, blank lines and using directives may differ.
    private static string Normalize(string code) => string.Join("\n", code.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !UsingDirective().IsMatch(l)));

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoGrad.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DocSamplesTests: AutoGrad.sln not found above the test binaries");
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^using [A-Za-z.]+;$")]
    private static partial Regex UsingDirective();
}
