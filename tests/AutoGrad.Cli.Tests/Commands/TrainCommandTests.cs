using System.Text.RegularExpressions;

namespace AutoGrad.Cli.Tests.Commands;

public class TrainCommandTests
{
    [Fact]
    public void DefaultTrainOnDigitsEndsWithTestAccuracy()
    {
        var (exit, output, err) = CliRunner.Run("train", "--epochs", "8");
        Assert.Equal(0, exit);
        Assert.Equal("", err);
        var last = CliRunner.LastLine(output);
        Assert.Matches(@"^test accuracy: \d+\.\d\d%$", last);
        double acc = double.Parse(Regex.Match(last, @"[\d.]+").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(acc > 90, last);
        Assert.Contains("epoch 1/8  train loss", output);
        Assert.Contains("holdout loss", output);
    }

    [Theory]
    [InlineData("softmax", "digits", 90)]
    [InlineData("logistic", "breast-cancer", 90)]
    [InlineData("perceptron", "breast-cancer", 90)]
    [InlineData("perceptron", "digits", 85)]
    [InlineData("perceptron", "iris", 80)]
    [InlineData("mlp", "iris", 85)]
    [InlineData("mlp", "wine", 85)]
    public void EveryModelTrainsOnEmbeddedData(string model, string dataset, double minimum)
    {
        // The perceptron takes no --lr: it trains by its rule (SGD with learning rate 1).
        string[] lr = model == "perceptron" ? [] : ["--lr", "0.01"];
        var (exit, output, err) = CliRunner.Run(["train", "--model", model, "--dataset", dataset, "--epochs", "15", .. lr]);
        Assert.True(exit == 0, err);
        var last = CliRunner.LastLine(output);
        double acc = double.Parse(Regex.Match(last, @"[\d.]+").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(acc >= minimum, $"{model} on {dataset}: {last}");
    }

    [Fact]
    public void OptionsForRegularizationDropoutOptimizersAndEarlyStoppingWork()
    {
        foreach (var opt in new[] { "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw" })
        {
            var (exit, output, err) = CliRunner.Run("train", "--optimizer", opt, "--lr", opt is "sgd" or "momentum" or "nesterov" or "adagrad" ? "0.05" : "0.002",
                "--epochs", "3", "--hidden", "32,16", "--activation", "tanh", "--dropout", "0.1", "--l1", "1e-5", "--l2", "1e-4", "--early-stopping", "2", "--seed", "3");
            Assert.True(exit == 0, $"{opt}: {err}");
            Assert.Matches(@"test accuracy: \d+\.\d\d%", CliRunner.LastLine(output));
        }
    }

    [Fact]
    public void SameSeedGivesTheSameRun()
    {
        var a = CliRunner.Run("train", "--epochs", "3", "--seed", "11");
        var b = CliRunner.Run("train", "--epochs", "3", "--seed", "11", "--threads", "1");
        Assert.Equal(StripTimes(a.Out), StripTimes(b.Out));
    }

    [Theory]
    [InlineData("adam", "cosine")]
    [InlineData("momentum", "step")]
    public void ReplayedStepsGiveTheSameRunAsEagerSteps(string optimizer, string schedule)
    {
        // Batches of 50 leave a smaller last batch (eager) after the replayed full ones; dropout,
        // penalties, a schedule and early stopping all act between or inside the replays.
        string[] args = ["train", "--epochs", "4", "--seed", "5", "--batch-size", "50", "--optimizer", optimizer, "--schedule", schedule,
            "--dropout", "0.2", "--l1", "1e-5", "--l2", "1e-4", "--early-stopping", "3", "--hidden", "32,16"];
        var replayed = CliRunner.Run(args);
        var eager = CliRunner.Run([.. args, "--eager-steps"]);
        Assert.True(replayed.Exit == 0, replayed.Err);
        Assert.True(eager.Exit == 0, eager.Err);
        Assert.Equal(StripTimes(eager.Out), StripTimes(replayed.Out));
    }

    [Fact]
    public void ACnnTrainsOnTheDigitsAsImages()
    {
        var (exit, output, err) = CliRunner.Run("train", "--model", "cnn", "--conv", "16,32", "--hidden", "64", "--batch-norm", "--augment", "shift,noise",
            "--optimizer", "momentum", "--lr", "0.05", "--epochs", "8");
        Assert.True(exit == 0, err);
        Assert.Contains("model cnn [64, 64, 10]", output);
        var last = CliRunner.LastLine(output);
        double acc = double.Parse(Regex.Match(last, @"[\d.]+").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(acc >= 90, last);
    }

    [Fact]
    public void ReplayedCnnStepsGiveTheSameRunAsEagerSteps()
    {
        // Batch norm (running statistics), dropout and augmentation all act inside or between the replays.
        string[] args = ["train", "--model", "cnn", "--conv", "4,8", "--hidden", "16", "--batch-norm", "--dropout", "0.2", "--augment", "shift,noise",
            "--epochs", "2", "--batch-size", "50", "--optimizer", "momentum", "--lr", "0.05", "--seed", "2"];
        var replayed = CliRunner.Run(args);
        var eager = CliRunner.Run([.. args, "--eager-steps"]);
        Assert.True(replayed.Exit == 0, replayed.Err);
        Assert.True(eager.Exit == 0, eager.Err);
        Assert.Equal(StripTimes(eager.Out), StripTimes(replayed.Out));
    }

    private static string StripTimes(string s) => Regex.Replace(s, @"\(\d+\.\d s\)", "");

    [Fact]
    public void PerceptronOnMulticlassDataIsOneVersusRest()
    {
        var (exit, output, err) = CliRunner.Run("train", "--model", "perceptron", "--dataset", "iris", "--epochs", "3");
        Assert.True(exit == 0, err);
        Assert.Contains("3 classes; model perceptron [4, 3] (15 parameters), perceptron rule (SGD lr 1, one example at a time)", output);
    }

    [Fact]
    public void TheDataLineSaysWhereTheDataCameFrom()
    {
        var (_, output, _) = CliRunner.Run("train", "--epochs", "1");
        Assert.StartsWith("digits (embedded): ", output);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("bench")]
    [InlineData("generate")]
    public void HelpShowsTheDefaultOfEveryOption(string command)
    {
        var (exit, output, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, exit);
        // One entry per option: a line starting with "-" after the indentation, plus any wrapped continuation lines.
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l.Trim() != "Options:").Skip(1);
        var entries = new List<string>();
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith('-')) entries.Add(line.Trim());
            else if (line.Trim().Length > 0 && entries.Count > 0) entries[^1] += " " + line.Trim();
        }
        Assert.NotEmpty(entries);
        foreach (var entry in entries.Where(e => !e.StartsWith("-?, -h, --help")))
            Assert.True(entry.Contains("[default: ") || entry.Contains("(REQUIRED)"), $"autograd {command} --help shows no default for: {entry}");
    }

    [Fact]
    public void HelpMentionsTheFixedTestSplit()
    {
        Assert.Contains("hold out a fixed, stratified 20% of the rows as the test set", CliRunner.Run("train", "--help").Out);
        Assert.Contains("fixed, stratified 20% of the rows", CliRunner.Run("evaluate", "--help").Out);
    }

    [Fact]
    public void PlotWritesAnSvgWithBothCurves()
    {
        using var dir = new TempDir();
        var path = dir.File("curves.svg");
        var (exit, output, _) = CliRunner.Run("train", "--epochs", "4", "--plot", path);
        Assert.Equal(0, exit);
        var svg = File.ReadAllText(path);
        Assert.StartsWith("<svg", svg);
        Assert.Equal(4, Regex.Matches(svg, "<polyline").Count);
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.Contains($"wrote the loss and accuracy curves to {path}", output);
    }

    [Fact]
    public void UserCsvFileTrains()
    {
        using var dir = new TempDir();
        var path = dir.File("blobs.csv");
        var rng = new Random(1);
        var lines = new List<string> { "x1,x2,label" };
        for (int i = 0; i < 200; i++)
        {
            int c = i % 2;
            lines.Add(FormattableString.Invariant($"{(c == 0 ? -2 : 2) + rng.NextDouble()},{rng.NextDouble()},{c}"));
        }
        File.WriteAllLines(path, lines);
        var (exit, output, err) = CliRunner.Run("train", "--dataset", path, "--csv-header", "--epochs", "10", "--lr", "0.01");
        Assert.True(exit == 0, err);
        Assert.Equal("test accuracy: 100.00%", CliRunner.LastLine(output));
    }
}
