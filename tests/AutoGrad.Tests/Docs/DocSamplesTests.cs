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

    [Fact]
    public void OptimizersSamplesRun()
    {
        var (first, last) = DocSamples.OptimizersLoop();
        Assert.True(last < first, $"{first} -> {last}");
        Assert.Equal(0.1 * Math.Pow(0.5, 4), DocSamples.OptimizersSchedule(), 12); // halved at epochs 10, 20, 30, 40
        Assert.True(DocSamples.OptimizersClipping() > 1.0); // the norm before clipping, as the sample's inputs are large
        Assert.Equal((true, false, true), DocSamples.OptimizersBiases());
    }

    [Fact]
    public void DataAndTrainingSamplesRun()
    {
        try
        {
            double accuracy = DocSamples.DataAndTraining();
            Assert.True(accuracy >= 0.95, $"the page says about 97%; got {accuracy:P2}");
        }
        finally
        {
            File.Delete("digits.ckpt");
        }
        Assert.True(DocSamples.DataAndTrainingKFold() >= 0.9);
    }

    [Fact]
    public void CheckpointsSampleRuns() => Assert.True(DocSamples.Checkpoints());

    [Theory]
    [InlineData("performance.md")]
    [InlineData("models.md")]
    [InlineData("losses.md")]
    [InlineData("regularization-and-dropout.md")]
    [InlineData("optimizers.md")]
    [InlineData("data-and-training.md")]
    [InlineData("checkpoints.md")]
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

    [Fact]
    public void ReadmeExampleIsTheQuickStartProgram()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var program = Normalize(File.ReadAllText(Path.Combine(root, "examples", "QuickStart", "Program.cs")));
        var block = CSharpBlock().Match(readme);
        Assert.True(block.Success, "README.md has no C# block");
        Assert.True(program.Contains(Normalize(block.Groups[1].Value), StringComparison.Ordinal),
            "the README's first example is not examples/QuickStart/Program.cs: update one from the other");
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
