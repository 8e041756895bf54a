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
}
