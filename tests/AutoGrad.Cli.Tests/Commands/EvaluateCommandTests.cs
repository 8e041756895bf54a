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
        Assert.Contains($"saved the model to {path}", train.Out);
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Equal(CliRunner.LastLine(train.Out), CliRunner.LastLine(eval.Out));
        Assert.Contains("confusion matrix", eval.Out);
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
}
