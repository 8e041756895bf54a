using System.Globalization;
using System.Text.RegularExpressions;

namespace AutoGrad.Cli.Tests.Commands;

/// <summary>train --model rnn|lstm|gru on the embedded series and on text files, and evaluate on their checkpoints (tiny sizes, few epochs).</summary>
public class RecurrentTrainTests
{
    /// <summary>A short text with structure a small model picks up in a few epochs.</summary>
    internal static string WriteText(TempDir dir, string name = "text.txt")
    {
        var path = dir.File(name);
        var lines = new List<string>();
        for (int i = 0; i < 60; i++) lines.Add(i % 3 == 0 ? "the cat sat on the mat." : i % 3 == 1 ? "a dog ran to the log!" : "we see the sea, ο λόγος.");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private static string StripTimes(string s) => Regex.Replace(s, @"\(\d+\.\d s\)", "");

    private static double[] Numbers(string line) =>
        Regex.Matches(line, @"\d+\.\d+").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void AnLstmOnSunspotsReportsTheArvOfBothBenchmarkSpans()
    {
        var (exit, output, err) = CliRunner.Run("train", "--model", "lstm", "--dataset", "sunspots", "--hidden", "8", "--epochs", "30", "--lr", "0.01");
        Assert.True(exit == 0, err);
        var last = CliRunner.LastLine(output);
        Assert.Matches(@"^test ARV: 1921-1955 \d+\.\d{4}, 1956-1979 \d+\.\d{4}$", last);
        // Better than predicting the mean (ARV 1) and than persistence on the first span (0.39).
        Assert.True(Numbers(last)[0] < 0.3, last);
        Assert.StartsWith("sunspots (embedded, 309 points): 209 training windows (targets 1712-1920), 0 holdout, test 1921-1955 (35), 1956-1979 (24); window 12; model lstm [1, 8, 1] on the last step", output);
        Assert.Contains("epoch  1/30  train loss ", output);
        Assert.DoesNotContain(" acc ", output); // a regression has no accuracy
        Assert.Contains("1921-1955: 35 one-step forecasts, ARV ", output);
        Assert.Contains("(persistence x(t-1): ARV 0.3913", output);
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("gru")]
    public void EveryRecurrentKindForecastsTheSunspots(string model)
    {
        var (exit, output, err) = CliRunner.Run("train", "--model", model, "--dataset", "sunspots", "--hidden", "4", "--epochs", "3", "--window", "6", "--layers", "2", "--dropout", "0.1");
        Assert.True(exit == 0, err);
        Assert.Contains($"window 6; model {model} [1, 4x2, 1] on the last step", output);
        Assert.All(Numbers(CliRunner.LastLine(output)), a => Assert.True(double.IsFinite(a)));
    }

    [Fact]
    public void Co2IsForecastOnItsWeeklyChangesAndTestedOn1991To2001()
    {
        var (exit, output, err) = CliRunner.Run("train", "--model", "gru", "--dataset", "co2", "--hidden", "4", "--epochs", "2", "--window", "8", "--batch-size", "64");
        Assert.True(exit == 0, err);
        Assert.StartsWith("co2 (embedded, 2284 points, 59 missing filled by linear interpolation): ", output);
        Assert.Contains("test 1991-2001 (574); window 8, modelled as the changes x(t) - x(t-1)", output);
        Assert.Matches(@"^1991-2001: 574 one-step forecasts, ARV \S+, RMSE \d+\.\d{3} ppm \(persistence x\(t-1\): ARV \S+, RMSE \d+\.\d{3}\)$", output.TrimEnd().Split('\n')[^2].TrimEnd('\r'));
        Assert.Matches(@"^test ARV: 1991-2001 \S+$", CliRunner.LastLine(output));
    }

    [Fact]
    public void ASeriesHoldoutIsTheLatestTrainingWindowsAndOnlyWhenAskedFor()
    {
        var (exit, output, err) = CliRunner.Run("train", "--model", "lstm", "--dataset", "sunspots", "--hidden", "4", "--epochs", "3", "--holdout", "0.1", "--early-stopping", "5");
        Assert.True(exit == 0, err);
        Assert.Contains("188 training windows (targets 1712-1899), 21 holdout", output);
        Assert.Matches(@"epoch 1/3  train loss \d+\.\d{4}  holdout loss \d+\.\d{4}  \(", output);
    }

    [Fact]
    public void ACharacterModelEndsWithHeldOutBitsPerCharacter()
    {
        using var dir = new TempDir();
        var text = WriteText(dir);
        var (exit, output, err) = CliRunner.Run("train", "--model", "lstm", "--dataset", "text:" + text, "--hidden", "32", "--epochs", "8",
            "--batch-size", "4", "--bptt", "16", "--lr", "0.01", "--clip", "1");
        Assert.True(exit == 0, err);
        var last = CliRunner.LastLine(output);
        Assert.Matches(@"^held-out bits per character: \d+\.\d{4}$", last);
        var baseline = Regex.Match(output, @"unigram baseline \(frequencies of the text before it\): (\d+\.\d+) bits per character");
        Assert.True(baseline.Success, output);
        double bits = Numbers(last)[0], unigram = double.Parse(baseline.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(bits < unigram, $"{bits} bits per character, unigram {unigram}");
        Assert.Contains("text.txt (UTF-8 file): 1420 characters, 24 distinct; 1150 training, 128 holdout, 142 test; 4 streams of 287 characters, 16 steps per batch (truncated BPTT, state carried)", output);
        Assert.Contains("gradients clipped to norm 1", output);
        Assert.Matches(@"epoch 1/8  train loss \d+\.\d{4} acc \d+\.\d\d%  holdout loss \d+\.\d{4} acc \d+\.\d\d%", output);
    }

    [Fact]
    public void TheSameSeedGivesTheSameTextRun()
    {
        using var dir = new TempDir();
        string[] args = ["train", "--model", "gru", "--dataset", "text:" + WriteText(dir), "--hidden", "8", "--epochs", "2", "--batch-size", "4", "--bptt", "8", "--dropout", "0.2", "--seed", "7"];
        var a = CliRunner.Run(args);
        var b = CliRunner.Run([.. args, "--threads", "1"]);
        Assert.True(a.Exit == 0, a.Err);
        Assert.Equal(StripTimes(a.Out), StripTimes(b.Out));
    }

    [Theory]
    [InlineData("sunspots", "lstm")]
    [InlineData("co2", "rnn")]
    [InlineData("text", "gru")]
    public void SaveThenEvaluateGivesTheSameLastLine(string dataset, string model)
    {
        using var dir = new TempDir();
        var path = dir.File("m.ckpt");
        string name = dataset == "text" ? "text:" + WriteText(dir) : dataset;
        string[] sizes = dataset == "text" ? ["--batch-size", "4", "--bptt", "8"] : ["--window", "4"];
        var train = CliRunner.Run(["train", "--model", model, "--dataset", name, "--hidden", "4", "--epochs", "2", "--save", path, .. sizes]);
        Assert.True(train.Exit == 0, train.Err);
        Assert.Contains($"saved the model and its adam optimizer state to {path}", train.Out);
        var file = AutoGrad.IO.Checkpoint.Read(path);
        Assert.Equal(model, file.Metadata["model"]);
        Assert.Equal(dataset == "text" ? "text" : "series", file.Metadata["task"]);
        Assert.Contains("rnn.weight_hh_l0", file.Parameters.Keys);
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Equal(CliRunner.LastLine(train.Out), CliRunner.LastLine(eval.Out));
        Assert.Contains($"from {path}", eval.Out);
    }

    [Fact]
    public void ACharacterModelEvaluatesOnAnotherTextOfItsCharacters()
    {
        using var dir = new TempDir();
        var path = dir.File("m.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--model", "lstm", "--dataset", "text:" + WriteText(dir), "--hidden", "4", "--epochs", "1", "--batch-size", "4", "--bptt", "8", "--save", path).Exit);
        var other = dir.File("other.txt");
        File.WriteAllText(other, string.Concat(Enumerable.Repeat("the dog sat on the log. ", 20)));
        var eval = CliRunner.Run("evaluate", "--load", path, "--dataset", "text:" + other);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.StartsWith("other.txt (UTF-8 file): 480 characters, the last 48 the test text", eval.Out);
        Assert.Matches(@"^held-out bits per character: \d+\.\d{4}$", CliRunner.LastLine(eval.Out));
    }

    [Fact]
    public void ASeriesPlotHasTheLossPanelOnly()
    {
        using var dir = new TempDir();
        var plot = dir.File("loss.svg");
        var (exit, output, err) = CliRunner.Run("train", "--model", "gru", "--dataset", "sunspots", "--hidden", "4", "--epochs", "3", "--plot", plot);
        Assert.True(exit == 0, err);
        Assert.Contains($"wrote the loss curves to {plot}", output);
        var svg = File.ReadAllText(plot);
        System.Xml.Linq.XDocument.Parse(svg);
        Assert.Single(Regex.Matches(svg, "<polyline"));
        Assert.DoesNotContain("accuracy", svg);
    }

    [Fact]
    public void ATextPlotHasLossAndAccuracy()
    {
        using var dir = new TempDir();
        var plot = dir.File("text.svg");
        var (exit, output, err) = CliRunner.Run("train", "--model", "rnn", "--dataset", "text:" + WriteText(dir), "--hidden", "4", "--epochs", "2", "--batch-size", "4", "--bptt", "8", "--plot", plot);
        Assert.True(exit == 0, err);
        Assert.Contains($"wrote the loss and accuracy curves to {plot}", output);
        Assert.Equal(4, Regex.Matches(File.ReadAllText(plot), "<polyline").Count);
    }
}
