namespace AutoGrad.Cli.Tests.Commands;

/// <summary>The recurrent models' user errors: one line on stderr naming the option, file or value, exit code 1.</summary>
public class RecurrentErrorTests
{
    private static string OneLineError(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(1, exit);
        var lines = err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", err);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0].TrimEnd('\r');
    }

    [Theory]
    [InlineData("error: --model lstm needs a sequence data set: sunspots, co2 or text:FILE (a UTF-8 text file); got 'digits'", "--model", "lstm")]
    [InlineData("error: --model gru needs a sequence data set: sunspots, co2 or text:FILE (a UTF-8 text file); got 'cifar'", "--model", "gru", "--dataset", "cifar")]
    [InlineData("error: --dataset sunspots is a time series: train it with --model rnn, lstm or gru, not --model mlp", "--dataset", "sunspots")]
    [InlineData("error: --dataset text:a.txt is a text: train it with --model rnn, lstm or gru, not --model softmax", "--model", "softmax", "--dataset", "text:a.txt")]
    [InlineData("error: --dataset text: needs a file name after the colon, e.g. text:notes.txt", "--model", "lstm", "--dataset", "text:")]
    [InlineData("error: --window applies only to a time series (--dataset sunspots or co2); on text the sequence length is --bptt", "--model", "lstm", "--dataset", "text:a.txt", "--window", "5")]
    [InlineData("error: --bptt applies only to text (--dataset text:FILE); on a time series the sequence length is --window", "--model", "lstm", "--dataset", "sunspots", "--bptt", "5")]
    [InlineData("error: --clip applies only to --model rnn, lstm and gru, not to --model mlp", "--clip", "1")]
    [InlineData("error: --layers applies only to --model rnn, lstm and gru, not to --model cnn", "--model", "cnn", "--layers", "2")]
    [InlineData("error: --hidden takes one size for --model rnn (the units of every layer; stack layers with --layers), got '8,8'", "--model", "rnn", "--dataset", "sunspots", "--hidden", "8,8")]
    [InlineData("error: --eager-steps does not apply to --model lstm, whose steps always run eagerly", "--model", "lstm", "--dataset", "sunspots", "--eager-steps")]
    [InlineData("error: --activation applies only to --model mlp, not to --model lstm", "--model", "lstm", "--dataset", "sunspots", "--activation", "tanh")]
    [InlineData("error: --conv applies only to --model cnn, not to --model gru", "--model", "gru", "--dataset", "sunspots", "--conv", "8")]
    [InlineData("error: --layers must be >= 1, got 0", "--model", "lstm", "--dataset", "sunspots", "--layers", "0")]
    [InlineData("error: --clip must be a finite number >= 0 (0 = off), got -1", "--model", "lstm", "--dataset", "sunspots", "--clip", "-1")]
    [InlineData("error: --window must be >= 1, got 0", "--model", "lstm", "--dataset", "sunspots", "--window", "0")]
    [InlineData("error: --window takes a whole number, got 'x' (run 'autograd train --help' for the options and their defaults)", "--model", "lstm", "--dataset", "sunspots", "--window", "x")]
    [InlineData("error: --bptt must be >= 1, got 0", "--model", "lstm", "--dataset", "text:a.txt", "--bptt", "0")]
    [InlineData("error: --window 300 is too long for sunspots: its training span 1700-1920 has 221 points; use --window < 221", "--model", "lstm", "--dataset", "sunspots", "--window", "300")]
    [InlineData("error: --early-stopping needs a holdout set: on a time series give --holdout a fraction > 0 (there is none by default: the benchmark trains on the whole training span)", "--model", "lstm", "--dataset", "sunspots", "--early-stopping", "3")]
    [InlineData("error: --csv-header applies only to a .csv file given as --dataset, not to 'text:a.csv'", "--model", "lstm", "--dataset", "text:a.csv", "--csv-header")]
    public void BadRecurrentOptionsNameTheOption(string message, params string[] args) =>
        Assert.Equal(message, OneLineError(["train", "--epochs", "1", .. args]));

    [Fact]
    public void UnknownDatasetNamesTheSequenceSetsToo() =>
        Assert.EndsWith("or a path to a .csv file (for --model rnn, lstm and gru: sunspots, co2 or text:FILE (a UTF-8 text file))", OneLineError("train", "--dataset", "cifar"));

    [Fact]
    public void AMissingTextFileIsNamed()
    {
        using var dir = new TempDir();
        var path = dir.File("none.txt");
        Assert.Equal($"error: text file '{path}' not found; give a path to a UTF-8 text file (--dataset text:FILE)", OneLineError("train", "--model", "lstm", "--dataset", "text:" + path));
        Assert.Equal($"error: text file '{dir.Path}' is a directory; give a UTF-8 text file", OneLineError("train", "--model", "lstm", "--dataset", "text:" + dir.Path));
    }

    [Fact]
    public void AnEmptyTextFileIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.txt");
        File.WriteAllBytes(path, []);
        Assert.Equal($"error: TextCorpus: file '{path}' is empty; a text corpus needs at least one character", OneLineError("train", "--model", "lstm", "--dataset", "text:" + path));
    }

    [Fact]
    public void ATextFileThatIsNotUtf8IsRefusedWithTheOffset()
    {
        using var dir = new TempDir();
        var path = dir.File("latin1.txt");
        File.WriteAllBytes(path, [.. "caf"u8, 0xE9, .. " au lait\n"u8]);
        var e = OneLineError("train", "--model", "lstm", "--dataset", "text:" + path);
        Assert.StartsWith($"error: TextCorpus: file '{path}' is not valid UTF-8: byte 0xE9 at byte offset 3 (line 1)", e);
    }

    [Fact]
    public void ATextTooShortForItsTestPartIsExplained()
    {
        using var dir = new TempDir();
        var path = dir.File("short.txt");
        File.WriteAllText(path, "abcde");
        Assert.Equal("error: short.txt: 5 characters are too few: the last 0.1 is held out as the test text, and the training and test parts each need at least 2 characters (an input and its target)",
            OneLineError("train", "--model", "lstm", "--dataset", "text:" + path));
    }

    [Fact]
    public void StreamsThatDoNotFitTheTextNameTheOptions()
    {
        using var dir = new TempDir();
        var e = OneLineError("train", "--model", "lstm", "--dataset", "text:" + RecurrentTrainTests.WriteText(dir), "--batch-size", "1000");
        Assert.StartsWith("error: --batch-size 1000 and --bptt 64 do not fit the 1150 training characters of text.txt: StreamBatcher: batchSize 1000 is too large", e);
    }

    [Fact]
    public void ASeriesModelEvaluatesOnlyOnItsSeries()
    {
        using var dir = new TempDir();
        var path = dir.File("s.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--model", "lstm", "--dataset", "sunspots", "--hidden", "4", "--epochs", "1", "--save", path).Exit);
        Assert.Equal($"error: the lstm in '{path}' forecasts sunspots (its inputs are scaled by that series' training span); it cannot be evaluated on 'co2'", OneLineError("evaluate", "--load", path, "--dataset", "co2"));
        Assert.Equal($"error: --data-dir applies only to --dataset fashion-mnist or mnist, not to the lstm in '{path}'", OneLineError("evaluate", "--load", path, "--data-dir", dir.Path));
    }

    [Fact]
    public void ACharacterModelRefusesATextWithOtherCharacters()
    {
        using var dir = new TempDir();
        var path = dir.File("t.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--model", "lstm", "--dataset", "text:" + RecurrentTrainTests.WriteText(dir), "--hidden", "4", "--epochs", "1", "--batch-size", "4", "--bptt", "8", "--save", path).Exit);
        var other = dir.File("other.txt");
        File.WriteAllText(other, "the cat\nsat on the Mat");
        Assert.Equal($"error: other.txt: character 'M' (U+004D) at line 2, column 12 is not in the 24-character vocabulary of the model in '{path}' (trained on text:{dir.File("text.txt")}); use only characters of the text it was trained on",
            OneLineError("evaluate", "--load", path, "--dataset", "text:" + other));
        Assert.Equal($"error: the lstm in '{path}' is a character model: evaluate it on a text (sunspots, co2 or text:FILE (a UTF-8 text file)), not on 'iris'", OneLineError("evaluate", "--load", path, "--dataset", "iris"));
    }
}
