using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Docs;

/// <summary>The docs' code samples run, and the docs show exactly the code that is compiled here.</summary>
public class DocSamplesTests
{
    [Fact]
    public void ModelsSamplePrintsWhatThePageShowsAndItsMlpLearns()
    {
        var ((model, features, _), printed) = ConsoleCapture.Run(DocSamples.Models);
        Assert.Equal(OutputBlockAfterSample("models.md"), printed);
        double accuracy;
        using (Tape.NoGrad()) accuracy = Metrics.Accuracy(model.Forward(features), EmbeddedDatasets.Digits().Labels);
        // Three epochs of the page's SGD loop learn the digits (92.6 % here; chance is 10 %).
        Assert.True(accuracy >= 0.85, $"training accuracy {accuracy:P2} after the page's three epochs");
    }

    [Fact]
    public void ModelsPoolingSampleLearnsAndReloads()
    {
        var ((accuracy, same), printed) = ConsoleCapture.Run(DocSamples.ModelsPooling);
        Assert.Equal("0.running_mean, 0.running_var\n", printed.Replace("\r\n", "\n"));
        Assert.True(accuracy >= 0.9, $"training accuracy {accuracy:P2} (93.7 % here)");
        Assert.True(same);
    }

    /// <summary>The ```text block that follows the C# sample of docs/<paramref name="page"/>: what the sample prints.</summary>
    private static string OutputBlockAfterSample(string page)
    {
        var doc = RepositoryFiles.Read("docs", page);
        int sample = doc.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(sample >= 0, $"docs/{page} has no C# sample");
        int start = doc.IndexOf("```text\n", sample, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/{page} shows no ```text block of what its sample prints");
        start += "```text\n".Length;
        return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void LossesSampleRuns() => DocSamples.Losses();

    [Fact]
    public void RegularizationAndDropoutSamplePrintsWhatThePageShows() =>
        Assert.Equal(OutputBlockAfterSample("regularization-and-dropout.md"), ConsoleCapture.Run(DocSamples.RegularizationAndDropout));

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
        Assert.Equal((0.0, 0.1, 0.01, 0.0), DocSamples.OptimizersBiases());
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
        var (shape, max) = DocSamples.DataAndTrainingImages(1);
        Assert.Equal([128, 1, 8, 8], shape);
        Assert.InRange(max, 15f, 16f);
    }

    [Fact]
    public void DataAndTrainingDivergenceSampleCatchesTheDivergence()
    {
        var printed = ConsoleCapture.Run(DocSamples.DataAndTrainingDivergence);
        Assert.Matches(@"^training diverged at epoch \d+, step 1: the loss is (inf|NaN) \(the last finite loss was [^,]+, at epoch \d+, step 1\)\. Lower the learning rate", printed);
    }

    [Fact]
    public void DataAndTrainingSequenceSamplesRun()
    {
        var (train, test, persistence) = DocSamples.DataAndTrainingSeries();
        Assert.Equal((209, 35), (train, test));
        Assert.Equal(0.391, persistence, 3); // the number the page states
        try
        {
            var (symbols, batches) = DocSamples.DataAndTrainingText();
            Assert.Equal(19, symbols);
            // 540 characters, 486 for training: 4 streams of 121 (2 dropped), 120 input positions in chunks of 8.
            Assert.Equal(15, batches);
        }
        finally
        {
            File.Delete("notes.txt");
        }
    }

    [Fact]
    public void RecurrentSampleLearnsTheText()
    {
        // Uniform guessing over the 14 symbols is log2(14) ≈ 3.8 bits; the model memorizes the text.
        double bits = DocSamples.Recurrent();
        Assert.True(bits < 1.0, $"bits per character {bits}");
    }

    [Fact]
    public void HigherOrderSamplePrintsTheDerivatives()
    {
        var printed = ConsoleCapture.Run(DocSamples.HigherOrder).Replace("\r\n", "\n");
        Assert.EndsWith("\ntensor([1], shape=[1], dtype=float64)\n", printed);   // the nesting test: 1, not 2
    }

    [Fact]
    public void CheckpointsSampleRuns() => Assert.True(DocSamples.Checkpoints());

    [Fact]
    public void InteropSamplePrintsWhatThePageShowsAndTheCopyMatches()
    {
        var ((copyMatches, onnxBytes), printed) = ConsoleCapture.Run(DocSamples.Interop);
        Assert.Equal(OutputBlockAfterSample("interop.md"), printed.Replace("\r\n", "\n"));
        Assert.True(copyMatches);
        Assert.True(onnxBytes > 4 * (64 * 32 + 32 * 10), $"the ONNX file has {onnxBytes} bytes, fewer than its weights");
    }

    [Theory]
    [InlineData("performance.md")]
    [InlineData("models.md")]
    [InlineData("losses.md")]
    [InlineData("regularization-and-dropout.md")]
    [InlineData("optimizers.md")]
    [InlineData("data-and-training.md")]
    [InlineData("checkpoints.md")]
    [InlineData("interop.md")]
    [InlineData("recurrent.md")]
    [InlineData("higher-order.md")]
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
