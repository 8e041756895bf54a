namespace AutoGrad.Cli.Tests.Commands;

/// <summary>A run whose loss or weights become NaN or infinite stops with exit code 3 and says so; it never saves them as a model.</summary>
public class DivergenceTests
{
    private static string OneLine(string err)
    {
        var lines = err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", err);
        return lines[0];
    }

    [Fact]
    public void AHugeLearningRateStopsTheRunNamingEpochStepAndLastFiniteLoss()
    {
        using var dir = new TempDir();
        var path = dir.File("m.ckpt");
        var (exit, output, err) = CliRunner.Run("train", "--lr", "1000", "--optimizer", "sgd", "--epochs", "3", "--save", path);
        Assert.Equal(3, exit);
        var line = OneLine(err);
        Assert.Matches(@"^error: training diverged in epoch 1, step \d+: the loss is (NaN|inf|-inf) \(the last finite loss was [^,]+, at epoch 1, step \d+\); lower --lr \(it is 1000\) or rerun with --detect-anomaly to find the op that first produced a non-finite value; nothing was saved to ", line);
        Assert.EndsWith($"nothing was saved to {path}", line);
        Assert.False(File.Exists(path));
        Assert.DoesNotContain("test accuracy", output);
        Assert.DoesNotContain("saved the model", output);
    }

    [Fact]
    public void ADivergedRunLeavesAnEarlierCheckpointAsItWas()
    {
        using var dir = new TempDir();
        var path = dir.File("m.ckpt");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal(3, CliRunner.Run("train", "--lr", "1000", "--optimizer", "sgd", "--epochs", "2", "--save", path).Exit);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void DetectAnomalyNamesTheOpWhereTheFirstNonFiniteValueAppears()
    {
        var (exit, _, err) = CliRunner.Run("train", "--lr", "1000", "--optimizer", "sgd", "--epochs", "2", "--detect-anomaly");
        Assert.Equal(3, exit);
        var line = OneLine(err);
        Assert.StartsWith("error: --detect-anomaly: anomaly (forward): '", line);
        Assert.Contains("Lower --lr (it is 1000).", line);
        Assert.DoesNotContain("Tensor.Mul", line); // the library's advice to C# callers is left out
    }

    [Fact]
    public void DetectAnomalyTrainsAsUsualWhenNothingGoesWrong()
    {
        var plain = CliRunner.Run("train", "--epochs", "2", "--seed", "5");
        var checkedRun = CliRunner.Run("train", "--epochs", "2", "--seed", "5", "--detect-anomaly");
        Assert.True(checkedRun.Exit == 0, checkedRun.Err);
        Assert.Equal(CliRunner.LastLine(plain.Out), CliRunner.LastLine(checkedRun.Out));
    }

    [Fact]
    public void ARecurrentModelWithoutClippingIsToldToClip()
    {
        var (exit, _, err) = CliRunner.Run("train", "--model", "rnn", "--dataset", "sunspots", "--hidden", "4", "--epochs", "5", "--lr", "1e6", "--optimizer", "sgd", "--clip", "0");
        Assert.Equal(3, exit);
        var line = OneLine(err);
        Assert.StartsWith("error: training diverged in epoch 1, step ", line);
        Assert.Contains("lower --lr (it is 1000000), clip the gradients with --clip or rerun with --detect-anomaly", line);
    }

    [Fact]
    public void ARecurrentModelWithClippingIsToldToClipHarder()
    {
        var (exit, _, err) = CliRunner.Run("train", "--model", "rnn", "--dataset", "sunspots", "--hidden", "4", "--epochs", "5", "--lr", "1e30", "--optimizer", "sgd");
        Assert.Equal(3, exit);
        Assert.Contains("lower --clip (it is 5)", OneLine(err));
    }

    [Fact]
    public void ThePerceptronIsToldToCheckTheDataNotTheLearningRateItDoesNotHave()
    {
        var message = AutoGrad.Cli.Commands.TrainCommand.Diverged(Record(), new AutoGrad.Cli.Training.TrainOptions { Model = "perceptron" });
        Assert.EndsWith("the perceptron's rule only diverges on non-finite or enormous features: check the data", message);
        Assert.DoesNotContain("--lr", message);
    }

    private static AutoGrad.Training.DivergenceException Record()
    {
        var guard = new AutoGrad.Training.DivergenceGuard();
        guard.BeginEpoch(2);
        guard.AfterStep(0.5);
        return Assert.Throws<AutoGrad.Training.DivergenceException>(() => guard.AfterStep(double.NaN));
    }

    [Fact]
    public void TheMessageOfADivergedRunNamesTheCheckpointThatWasNotWritten()
    {
        var message = AutoGrad.Cli.Commands.TrainCommand.Diverged(Record(), new AutoGrad.Cli.Training.TrainOptions { LearningRate = 0.5, Save = "out.ckpt" });
        Assert.Equal("training diverged in epoch 2, step 2: the loss is NaN (the last finite loss was 0.5, at epoch 2, step 1); lower --lr (it is 0.5) or rerun with --detect-anomaly to find the op that first produced a non-finite value; nothing was saved to out.ckpt", message);
    }
}
