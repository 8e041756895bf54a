using System.IO.Compression;

namespace AutoGrad.Cli.Tests.Commands;

/// <summary>Every user error is one line on stderr saying what was expected, with a non-zero exit and no stack trace.</summary>
public class ErrorTests
{
    private static string OneLineError(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.NotEqual(0, exit);
        var lines = err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", err);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    [Fact]
    public void UnknownDatasetListsTheNames() =>
        Assert.Contains("unknown data set 'cifar'; expected one of digits, iris, breast-cancer, wine, fashion-mnist, mnist", OneLineError("train", "--dataset", "cifar"));

    [Theory]
    [InlineData("--dropout", "1.5", "--dropout must be in [0, 1), got 1.5")]
    [InlineData("--lr", "0", "--lr must be a finite number > 0, got 0")]
    [InlineData("--lr", "-1", "--lr must be a finite number > 0, got -1")]
    [InlineData("--epochs", "0", "--epochs must be > 0, got 0")]
    [InlineData("--batch-size", "0", "--batch-size must be > 0, got 0")]
    [InlineData("--holdout", "1", "--holdout must be in [0, 1), got 1")]
    [InlineData("--model", "svm", "--model must be one of mlp, softmax, logistic, perceptron, got 'svm'")]
    [InlineData("--optimizer", "lbfgs", "--optimizer must be one of")]
    [InlineData("--activation", "gelu", "--activation must be one of relu, sigmoid, tanh, got 'gelu'")]
    [InlineData("--hidden", "12,x", "--hidden takes positive integers separated by commas (e.g. 256,128), got '12,x'")]
    [InlineData("--threads", "0", "--threads must be >= 1, got 0")]
    [InlineData("--plot", "out.png", "--plot writes an SVG file")]
    [InlineData("--l2", "-0.1", "--l2 must be a finite number >= 0, got -0.1")]
    public void BadOptionValuesNameTheOptionAndValue(string option, string value, string message) =>
        Assert.Contains(message, option == "--epochs" ? OneLineError("train", option, value) : OneLineError("train", option, value, "--epochs", "1"));

    [Theory]
    [InlineData("train", "--epochs", "abc")]
    [InlineData("train", "--no-such-option")]
    [InlineData("evaluate")]
    [InlineData("fly")]
    public void ParseErrorsAreOneLineWithAHint(params string[] args) => Assert.Contains("--help", OneLineError(args));

    [Fact]
    public void BinaryModelOnMulticlassDataExplains() =>
        Assert.Contains("--model logistic is a binary classifier, but the data set has 10 classes", OneLineError("train", "--model", "logistic"));

    [Fact]
    public void MissingIdxDirectorySaysHowToGetTheData()
    {
        using var dir = new TempDir();
        var missing = dir.File("nothing-here");
        var e = OneLineError("train", "--dataset", "fashion-mnist", "--data-dir", missing);
        Assert.Contains("fashion-mnist", e);
        Assert.Contains("apt-get install dataset-fashion-mnist", e);
    }

    [Fact]
    public void MissingIdxFileIsNamed()
    {
        using var dir = new TempDir();
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("train-images-idx3-ubyte", e);
    }

    private static void WriteIdx(string path, int magic, int[] dims, byte[] data, bool gzip)
    {
        using var fs = File.Create(path);
        using Stream s = gzip ? new GZipStream(fs, CompressionLevel.Fastest) : fs;
        void Int(int v) { s.Write([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]); }
        Int(magic);
        foreach (var d in dims) Int(d);
        s.Write(data);
    }

    private static void WriteSet(string dir, int trainImages = 5, int trainLabels = 5, int imageMagic = 0x00000803, int truncate = 0)
    {
        WriteIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), imageMagic, [trainImages, 2, 2], new byte[trainImages * 4 - truncate], gzip: true);
        WriteIdx(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), 0x00000801, [trainLabels], Enumerable.Range(0, trainLabels).Select(i => (byte)(i % 2)).ToArray(), gzip: true);
        WriteIdx(Path.Combine(dir, "t10k-images-idx3-ubyte"), 0x00000803, [4, 2, 2], new byte[16], gzip: false);
        WriteIdx(Path.Combine(dir, "t10k-labels-idx1-ubyte"), 0x00000801, [4], [0, 1, 0, 1], gzip: false);
    }

    [Fact]
    public void WrongMagicNumberIsReported()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, imageMagic: 0x12345678);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("magic", e);
    }

    [Fact]
    public void TruncatedDataIsReported()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, truncate: 3);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("train-images-idx3-ubyte", e);
        Assert.Matches("(?i)truncated|expected", e);
    }

    [Fact]
    public void MismatchedImageAndLabelCountsAreReported()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, trainImages: 5, trainLabels: 6);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("5", e);
        Assert.Contains("6", e);
    }

    [Fact]
    public void ValidTinyIdxSetTrains()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path);
        var (exit, output, err) = CliRunner.Run("train", "--dataset", "mnist", "--data-dir", dir.Path, "--epochs", "1", "--holdout", "0.2");
        Assert.True(exit == 0, err);
        Assert.Matches(@"test accuracy: \d+\.\d\d%", CliRunner.LastLine(output));
    }

    [Fact]
    public void MissingCsvFile() => Assert.Contains("CSV file 'nope.csv' not found", OneLineError("train", "--dataset", "nope.csv"));

    [Fact]
    public void MalformedCsvNamesTheLine()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.csv");
        File.WriteAllLines(path, ["1,2,0", "3,oops,1", "5,6,0"]);
        var e = OneLineError("train", "--dataset", path);
        Assert.Contains("bad.csv", e);
        Assert.Contains("2", e);
    }

    [Fact]
    public void EvaluateWithoutCheckpointFile() =>
        Assert.Contains("checkpoint 'missing.ckpt' not found", OneLineError("evaluate", "--load", "missing.ckpt"));

    [Fact]
    public void CorruptedCheckpointIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("m.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "1", "--save", path).Exit);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("m.ckpt", OneLineError("evaluate", "--load", path));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        Assert.Contains("m.ckpt", OneLineError("evaluate", "--load", path));
    }
}
