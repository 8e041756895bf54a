namespace AutoGrad.Cli.Tests.Commands;

/// <summary>generate: samples from a saved character model with a seed, a prime and a temperature.</summary>
public class GenerateCommandTests
{
    private static string TrainText(TempDir dir, string model = "lstm")
    {
        var path = dir.File($"{model}.ckpt");
        var train = CliRunner.Run("train", "--model", model, "--dataset", "text:" + RecurrentTrainTests.WriteText(dir), "--hidden", "16", "--epochs", "3",
            "--batch-size", "4", "--bptt", "16", "--lr", "0.01", "--save", path);
        Assert.True(train.Exit == 0, train.Err);
        return path;
    }

    [Fact]
    public void SamplesStartWithThePrimeAndRepeatForTheSameSeed()
    {
        using var dir = new TempDir();
        var path = TrainText(dir);
        var a = CliRunner.Run("generate", "--checkpoint", path, "--prime", "the λ", "--length", "40", "--seed", "5", "--temperature", "0.8");
        Assert.True(a.Exit == 0, a.Err);
        string text = a.Out.EndsWith(Environment.NewLine) ? a.Out[..^Environment.NewLine.Length] : a.Out;
        Assert.StartsWith("the λ", text);
        Assert.Equal(5 + 40, text.EnumerateRunes().Count());
        Assert.Equal(a.Out, CliRunner.Run("generate", "--checkpoint", path, "--prime", "the λ", "--length", "40", "--seed", "5", "--temperature", "0.8").Out);
        var others = Enumerable.Range(6, 3).Select(s => CliRunner.Run("generate", "--checkpoint", path, "--prime", "the λ", "--length", "40", "--seed", s.ToString(), "--temperature", "0.8").Out);
        Assert.Contains(others, o => o != a.Out);
    }

    [Fact]
    public void TheDefaultPrimeIsANewline()
    {
        using var dir = new TempDir();
        var (exit, output, err) = CliRunner.Run("generate", "--checkpoint", TrainText(dir, "gru"), "--length", "10");
        Assert.True(exit == 0, err);
        Assert.StartsWith("\n", output);
    }

    [Fact]
    public void AVeryLowTemperatureTakesTheMostLikelyCharacter()
    {
        // At T → 0 the softmax puts all its mass on the largest logit: every seed samples the same text.
        using var dir = new TempDir();
        var path = TrainText(dir, "rnn");
        var outs = Enumerable.Range(0, 3).Select(s => CliRunner.Run("generate", "--checkpoint", path, "--prime", "the ", "--length", "30", "--seed", s.ToString(), "--temperature", "0.001").Out).ToArray();
        Assert.All(outs, o => Assert.Equal(outs[0], o));
    }

    private static string OneLineError(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(1, exit);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", err);
        return err.TrimEnd();
    }

    [Fact]
    public void BadInputIsOneLineError()
    {
        using var dir = new TempDir();
        var path = TrainText(dir);
        Assert.Equal("error: --temperature must be a finite number > 0, got 0", OneLineError("generate", "--checkpoint", path, "--temperature", "0"));
        Assert.Equal("error: --temperature must be a finite number > 0, got -1", OneLineError("generate", "--checkpoint", path, "--temperature", "-1"));
        Assert.Equal("error: --length must be >= 1, got 0", OneLineError("generate", "--checkpoint", path, "--length", "0"));
        Assert.StartsWith("error: --prime needs at least one character", OneLineError("generate", "--checkpoint", path, "--prime", ""));
        Assert.Equal($"error: --prime: character 'Z' (U+005A) at line 2, column 3 is not in the 24-character vocabulary of the model in '{path}' (trained on text:{dir.File("text.txt")}); use only characters of the text it was trained on",
            OneLineError("generate", "--checkpoint", path, "--prime", "a\ncaZ"));
        Assert.StartsWith($"error: checkpoint '{dir.File("none.ckpt")}' not found", OneLineError("generate", "--checkpoint", dir.File("none.ckpt")));
        Assert.Contains("--checkpoint", OneLineError("generate"));
    }

    [Fact]
    public void GenerateRefusesModelsThatAreNotCharacterModels()
    {
        using var dir = new TempDir();
        var series = dir.File("s.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--model", "gru", "--dataset", "sunspots", "--hidden", "4", "--epochs", "1", "--save", series).Exit);
        Assert.Equal($"error: generate samples from a character model (train --model rnn, lstm or gru on a text); '{series}' holds a gru trained on sunspots", OneLineError("generate", "--checkpoint", series));
        var mlp = dir.File("mlp.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "1", "--save", mlp).Exit);
        Assert.Equal($"error: generate samples from a character model (train --model rnn, lstm or gru on a text); '{mlp}' holds a mlp trained on digits", OneLineError("generate", "--checkpoint", mlp));
    }
}
