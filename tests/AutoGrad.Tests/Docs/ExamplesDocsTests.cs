using System.Text.RegularExpressions;

using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Docs;

/// <summary>
/// The tutorial and the getting-started page show code copied from the examples, and every example
/// is indexed, built and run. (The examples check themselves: CI runs each one and fails on a
/// nonzero exit code; running them here would only repeat that, slowly.)
/// </summary>
public partial class ExamplesDocsTests
{
    private static readonly string Root = RepositoryFiles.Root;

    private static string[] ExampleNames() =>
        [.. Directory.GetDirectories(Path.Combine(Root, "examples"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!];

    [Fact]
    public void TheRequiredExamplesExist()
    {
        string[] required = ["Perceptron", "XorMlp", "LinearRegression", "SigmoidRegression", "TwoLayerBackprop", "SoftmaxDigits",
            "DropoutWorkedExample", "Overfitting", "NoiseAsL2", "EnsembleError", "CustomLoss", "NovelLayer",
            "WeightSharing", "ConvFromUnfold", "CnnDigits", "AugmentationOverfitting", "VanishingGradients", "SequenceMemory", "DigitsRowByRow",
            "Sunspots", "CharLanguageModel", "ForwardAndReverse", "Regression",
            "OptimizersCompared", "LearningRateSchedules", "KFoldSelection", "EarlyStoppingRestore", "Initialization", "L1Sparsity"];
        Assert.Empty(required.Except(ExampleNames()));
    }

    [Theory]
    [InlineData("tutorial.md")]
    [InlineData("getting-started.md")]
    public void EveryCodeBlockIsCopiedFromAnExample(string page)
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", page));
        var sources = ExampleNames().ToDictionary(n => n, n => RepositoryFiles.NormalizeCode(File.ReadAllText(Path.Combine(Root, "examples", n, "Program.cs"))));
        var blocks = RepositoryFiles.CSharpBlocks(doc);
        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            var code = RepositoryFiles.NormalizeCode(block);
            Assert.True(sources.Values.Any(s => s.Contains(code, StringComparison.Ordinal)),
                $"docs/{page}: this block is not in any examples/*/Program.cs (update one from the other):\n{block}");
        }
    }

    [Fact]
    public void EveryRunCommandInTheDocsNamesAnExample()
    {
        var names = ExampleNames();
        foreach (var page in new[] { "tutorial.md", "getting-started.md", "examples.md" })
        {
            var doc = File.ReadAllText(Path.Combine(Root, "docs", page));
            foreach (Match m in RunCommand().Matches(doc))
                Assert.True(names.Contains(m.Groups[1].Value), $"docs/{page} runs examples/{m.Groups[1].Value}, which does not exist");
        }
    }

    [Fact]
    public void EveryExampleIsIndexedAndInTheSolution()
    {
        var index = File.ReadAllText(Path.Combine(Root, "docs", "examples.md"));
        var solution = File.ReadAllText(Path.Combine(Root, "AutoGrad.sln"));
        foreach (var name in ExampleNames())
        {
            Assert.True(index.Contains($"(../examples/{name}/Program.cs)", StringComparison.Ordinal), $"docs/examples.md does not list examples/{name}");
            Assert.True(solution.Contains($@"examples\{name}\{name}.csproj", StringComparison.Ordinal),
                $"examples/{name} is not in AutoGrad.sln, so CI would not build it (dotnet sln AutoGrad.sln add examples/{name})");
        }
    }

    [GeneratedRegex(@"dotnet run (?:--no-build )?--project examples/([A-Za-z0-9]+)")]
    private static partial Regex RunCommand();
}
