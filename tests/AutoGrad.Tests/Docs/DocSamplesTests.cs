using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Docs;

/// <summary>The docs' code samples run, and the docs show exactly the code that is compiled here.</summary>
public class DocSamplesTests
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
        var root = RepositoryFiles.Root;
        var doc = File.ReadAllText(Path.Combine(root, "docs", page));
        var source = RepositoryFiles.NormalizeCode(File.ReadAllText(Path.Combine(root, "tests", "AutoGrad.Tests", "Docs", "DocSamples.cs")));
        var blocks = RepositoryFiles.CSharpBlocks(doc);
        Assert.NotEmpty(blocks);
        foreach (var b in blocks)
            Assert.True(source.Contains(RepositoryFiles.NormalizeCode(b), StringComparison.Ordinal), $"the C# block of docs/{page} is not in DocSamples.cs: update one from the other");
    }

    [Fact]
    public void ReadmeExampleIsTheQuickStartProgram()
    {
        var root = RepositoryFiles.Root;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var program = RepositoryFiles.NormalizeCode(File.ReadAllText(Path.Combine(root, "examples", "QuickStart", "Program.cs")));
        var blocks = RepositoryFiles.CSharpBlocks(readme);
        Assert.NotEmpty(blocks);
        Assert.True(program.Contains(RepositoryFiles.NormalizeCode(blocks[0]), StringComparison.Ordinal),
            "the README's first example is not examples/QuickStart/Program.cs: update one from the other");
    }
}
