namespace AutoGrad.Cli.Tests.Commands;

public class EvaluateCommandTests
{
    [Fact]
    public void SaveThenEvaluateGivesTheSameAccuracy()
    {
        using var dir = new TempDir();
        var path = dir.File("digits.ckpt");
        var train = CliRunner.Run("train", "--epochs", "5", "--save", path, "--seed", "4");
        Assert.Equal(0, train.Exit);
        Assert.Contains($"saved the model and its adam optimizer state to {path}", train.Out);
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Equal(CliRunner.LastLine(train.Out), CliRunner.LastLine(eval.Out));
        Assert.Contains("confusion matrix", eval.Out);
    }

    [Fact]
    public void ACnnWithBatchNormRoundTrips()
    {
        // The running statistics are buffers of the checkpoint: evaluation mode reads them.
        using var dir = new TempDir();
        var path = dir.File("cnn.ckpt");
        var train = CliRunner.Run("train", "--model", "cnn", "--conv", "8,16", "--hidden", "32", "--batch-norm", "--epochs", "2", "--save", path);
        Assert.True(train.Exit == 0, train.Err);
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Equal(CliRunner.LastLine(train.Out), CliRunner.LastLine(eval.Out));
        Assert.Contains("model cnn", eval.Out);
    }

    [Fact]
    public void BinaryModelRoundTrips()
    {
        using var dir = new TempDir();
        var path = dir.File("bc.ckpt");
        var train = CliRunner.Run("train", "--model", "logistic", "--dataset", "breast-cancer", "--epochs", "5", "--save", path);
        Assert.Equal(0, train.Exit);
        var eval = CliRunner.Run("evaluate", "--load", path, "--dataset", "breast-cancer");
        Assert.Equal(CliRunner.LastLine(train.Out), CliRunner.LastLine(eval.Out));
    }

    [Fact]
    public void TheCheckpointHoldsTheOptimizerState()
    {
        using var dir = new TempDir();
        var path = dir.File("m.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "2", "--optimizer", "momentum", "--lr", "0.01", "--batch-size", "100", "--save", path).Exit);
        var file = AutoGrad.IO.Checkpoint.Read(path);
        Assert.NotNull(file.Optimizer);
        Assert.Equal("momentum", file.Optimizer!.Kind);
        Assert.Equal(2 * 13, file.Optimizer.Step); // 1294 training rows in batches of 100, two epochs
        Assert.Contains("0.velocity", file.Optimizer.Tensors.Keys);
        Assert.Equal("mlp", file.Metadata["model"]);
        Assert.Equal(0, CliRunner.Run("evaluate", "--load", path).Exit);
    }

    [Theory]
    [InlineData("wine")]          // three classes: one-vs-rest perceptrons
    [InlineData("breast-cancer")] // two classes: one perceptron
    public void PerceptronRoundTrips(string dataset)
    {
        using var dir = new TempDir();
        var path = dir.File("p.ckpt");
        var train = CliRunner.Run("train", "--model", "perceptron", "--dataset", dataset, "--epochs", "5", "--save", path);
        Assert.True(train.Exit == 0, train.Err);
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Equal(CliRunner.LastLine(train.Out), CliRunner.LastLine(eval.Out));
        Assert.StartsWith($"{dataset} (embedded): ", eval.Out);
        Assert.Contains($"saved the model and its sgd optimizer state to {path}", train.Out);
    }

    [Fact]
    public void TheConfusionMatrixHeadingIsPrintedOnce()
    {
        using var dir = new TempDir();
        var path = dir.File("d.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "1", "--save", path).Exit);
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(eval.Out, "confusion matrix"));
        Assert.Contains("confusion matrix (10 classes, 359 examples; rows: actual, columns: predicted)", eval.Out);
    }

    private static void WriteBlobs(string path, int classes, int rowsPerClass)
    {
        var lines = new List<string>();
        for (int i = 0; i < classes * rowsPerClass; i++)
        {
            int y = i % classes;
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{y + 0.1 * (i % 7)},{-y + 0.05 * (i % 5)},{y}"));
        }
        File.WriteAllLines(path, lines);
    }

    [Fact]
    public void LabelsOutsideTheModelsClassesAreAnErrorNamingThemWithCounts()
    {
        using var dir = new TempDir();
        var two = dir.File("two.csv");
        var four = dir.File("four.csv");
        WriteBlobs(two, 2, 30);
        WriteBlobs(four, 4, 20);
        var path = dir.File("two.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", two, "--epochs", "2", "--save", path).Exit);
        var (exit, output, err) = CliRunner.Run("evaluate", "--load", path, "--dataset", four);
        Assert.Equal(1, exit);
        Assert.Equal($"error: '{four}' has labels that the model in '{path}' does not know: 2 (20 rows), 3 (20 rows); the model was trained on '{two}' and has 2 classes (0, 1), labels 0 to 1. Rows per label in '{four}': 0: 20, 1: 20, 2: 20, 3: 20", err.Trim());
        Assert.DoesNotContain("test accuracy", output);

        // Fewer classes than the model knows is fine: the missing ones are empty rows of the matrix.
        var model4 = dir.File("four.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", four, "--epochs", "2", "--save", model4).Exit);
        var fewer = CliRunner.Run("evaluate", "--load", model4, "--dataset", two);
        Assert.True(fewer.Exit == 0, fewer.Err);
        Assert.Contains("confusion matrix (4 classes", fewer.Out);
    }
}
