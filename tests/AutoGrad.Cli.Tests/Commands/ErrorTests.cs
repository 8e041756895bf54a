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
    [InlineData("--model", "svm", "--model must be one of mlp, cnn, softmax, logistic, perceptron, rnn, lstm, gru, got 'svm'")]
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
    public void LogisticModelOnMulticlassDataExplains() =>
        Assert.Contains("--model logistic is a binary classifier, but the data set has 10 classes", OneLineError("train", "--model", "logistic"));

    [Fact]
    public void MissingIdxDirectorySaysHowToGetTheDataOnce()
    {
        using var dir = new TempDir();
        var missing = dir.File("nothing-here");
        var e = OneLineError("train", "--dataset", "fashion-mnist", "--data-dir", missing);
        Assert.StartsWith($"error: fashion-mnist: no directory '{missing}' (from --data-dir); install it with 'apt-get install dataset-fashion-mnist'", e);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(e, "apt-get install"));
        Assert.True(e.Length < 300 + missing.Length, e);
    }

    [Fact]
    public void MissingIdxFileIsNamed()
    {
        using var dir = new TempDir();
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Equal($"error: mnist: '{dir.Path}' (from --data-dir) has no train-images-idx3-ubyte (nor train-images-idx3-ubyte.gz); expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may be .gz)", e);
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

    internal static void WriteSet(string dir, int trainImages = 10, int trainLabels = 10, int imageMagic = 0x00000803, int truncate = 0,
        int labelMagic = 0x00000801, int testImages = 4, int testLabels = 4)
    {
        int[] labelDims = labelMagic == 0x00000801 ? [trainLabels] : [trainLabels, 1, 1];
        WriteIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), imageMagic, [trainImages, 2, 2], new byte[Math.Max(0, trainImages * 4 - truncate)], gzip: true);
        WriteIdx(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), labelMagic, labelDims, Enumerable.Range(0, trainLabels).Select(i => (byte)(i % 2)).ToArray(), gzip: true);
        WriteIdx(Path.Combine(dir, "t10k-images-idx3-ubyte"), 0x00000803, [testImages, 2, 2], new byte[testImages * 4], gzip: false);
        WriteIdx(Path.Combine(dir, "t10k-labels-idx1-ubyte"), 0x00000801, [testLabels], Enumerable.Range(0, testLabels).Select(i => (byte)(i % 2)).ToArray(), gzip: false);
    }

    [Fact]
    public void WrongMagicNumberIsReported()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, imageMagic: 0x12345678);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("train-images-idx3-ubyte.gz (gzip): wrong magic number 0x12345678; an IDX file starts with 0x0000", e);
    }

    [Fact]
    public void LabelFileWithTheImagesMagicSaysTheMagicIsWrong()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, labelMagic: 0x00000803);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("train-labels-idx1-ubyte.gz: wrong magic number 0x00000803 for a labels file; expected 0x00000801 (unsigned bytes, 1 dimension: the count)", e);
    }

    [Fact]
    public void TruncatedDataIsReported()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, truncate: 3);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("train-images-idx3-ubyte.gz (gzip): truncated: the header declares 10×2×2 UInt8 elements = 40 bytes of data, but only 37 bytes follow", e);
    }

    [Fact]
    public void MismatchedImageAndLabelCountsAreReported()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, trainImages: 5, trainLabels: 6);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("train-images-idx3-ubyte.gz holds 5 images but ", e);
        Assert.Contains("train-labels-idx1-ubyte.gz holds 6 labels; expected one label per image", e);
    }

    [Fact]
    public void MismatchedCountsInTheTestFilesAreReported()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, testImages: 4, testLabels: 3);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.Contains("t10k-images-idx3-ubyte holds 4 images but ", e);
        Assert.Contains("t10k-labels-idx1-ubyte holds 3 labels; expected one label per image", e);
    }

    [Fact]
    public void ZeroImageIdxFilesAreRefused()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, trainImages: 0, trainLabels: 0);
        var e = OneLineError("train", "--dataset", "mnist", "--data-dir", dir.Path);
        Assert.StartsWith("error: mnist: ", e);
        Assert.EndsWith("train-images-idx3-ubyte.gz: holds 0 images; expected at least one", e);
    }

    [Fact]
    public void ValidTinyIdxSetTrains()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path);
        var (exit, output, err) = CliRunner.Run("train", "--dataset", "mnist", "--data-dir", dir.Path, "--epochs", "1", "--holdout", "0.2");
        Assert.True(exit == 0, err);
        Assert.StartsWith($"mnist (IDX files in {dir.Path}, from --data-dir): 8 training, 2 holdout, 4 test rows, 4 features, 2 classes;", output);
        Assert.Matches(@"test accuracy: \d+\.\d\d%", CliRunner.LastLine(output));
    }

    [Fact]
    public void MissingCsvFile() => Assert.Contains("CSV file 'nope.csv' not found", OneLineError("train", "--dataset", "nope.csv"));

    [Fact]
    public void MalformedCsvNamesTheFileOnceAndTheLine()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.csv");
        File.WriteAllLines(path, ["1,2,0", "3,oops,1", "5,6,0"]);
        Assert.Equal($"error: {path}, line 2: field 2 (feature 2) is 'oops', not a number", OneLineError("train", "--dataset", path));
    }

    [Fact]
    public void RaggedCsvNamesTheFileOnce()
    {
        using var dir = new TempDir();
        var path = dir.File("ragged.csv");
        File.WriteAllLines(path, ["1,2,0", "3,4,1", "5,0"]);
        Assert.Equal($"error: {path}, line 3: found 2 fields, expected 3 (2 features and a label, as on line 1)", OneLineError("train", "--dataset", path));
    }

    [Fact]
    public void EmptyCsvIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.csv");
        File.WriteAllLines(path, ["x1,x2,label"]);
        Assert.Equal($"error: {path}: no data rows after the header; expected lines of 'feature1,...,featureD,label'", OneLineError("train", "--dataset", path, "--csv-header"));
    }

    private static string CsvError(params string[] labels)
    {
        using var dir = new TempDir();
        var path = dir.File("labels.csv");
        File.WriteAllLines(path, labels.Select((l, i) => $"{i % 7},{i % 3},{l}"));
        var e = OneLineError("train", "--dataset", path, "--epochs", "1");
        Assert.StartsWith($"error: {path}", e);
        return e[$"error: {path}".Length..];
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("cat")]
    public void CsvLabelsMustBeNonNegativeIntegers(string bad) =>
        Assert.Equal($", line 3: label '{bad}' is not a non-negative integer; labels are class indices 0, 1, 2, ...", CsvError("0", "1", bad, "0", "1"));

    [Fact]
    public void CsvWithOneClassIsRefused() =>
        Assert.Equal(": every row has label 0; training a classifier needs at least 2 classes", CsvError("0", "0", "0", "0"));

    [Fact]
    public void CsvWithMoreClassesThanRowsIsRefused() =>
        Assert.Equal(": labels go up to 40, which makes 41 classes for 5 rows; labels must be class indices 0, 1, 2, ... with fewer classes than rows", CsvError("0", "1", "40", "0", "1"));

    [Fact]
    public void CsvWithAnAbsurdLabelIsRefused() =>
        Assert.Equal(", line 2: label 123456 would make 123457 classes; labels are class indices 0, 1, ..., at most 9999", CsvError("0", "123456", "1", "0"));

    [Fact]
    public void CsvTooSmallForATestSplitIsRefused() =>
        Assert.Equal(": 3 rows are too few to hold out a test set: the training and test sets each need at least one row per class (2 classes)", CsvError("0", "1", "0"));

    [Theory]
    [InlineData("--hidden applies only to --model mlp, cnn, rnn, lstm and gru, not to --model softmax", "--model", "softmax", "--hidden", "32")]
    [InlineData("--activation applies only to --model mlp, not to --model logistic", "--model", "logistic", "--dataset", "breast-cancer", "--activation", "tanh")]
    [InlineData("--dropout applies only to --model mlp, cnn, rnn, lstm and gru, not to --model perceptron", "--model", "perceptron", "--dropout", "0.5")]
    [InlineData("--activation applies only to --model mlp, not to --model cnn", "--model", "cnn", "--activation", "tanh")]
    [InlineData("--conv applies only to --model cnn, not to --model mlp", "--conv", "8")]
    [InlineData("--batch-norm applies only to --model cnn, not to --model softmax", "--model", "softmax", "--batch-norm")]
    [InlineData("--augment applies only to --model cnn, not to --model mlp", "--augment", "flip")]
    [InlineData("--augment takes none, shift, flip, noise separated by commas (e.g. shift,flip), got 'rotate'", "--model", "cnn", "--augment", "shift,rotate")]
    [InlineData("--conv takes positive integers separated by commas (e.g. 32,64), got '8,x'", "--model", "cnn", "--conv", "8,x")]
    [InlineData("--model cnn needs images; iris has rows of 4 features without an image shape: use --dataset digits, fashion-mnist or mnist", "--model", "cnn", "--dataset", "iris")]
    [InlineData("--optimizer does not apply to --model perceptron, which trains by the perceptron rule (SGD with learning rate 1, one example at a time, no penalty)", "--model", "perceptron", "--optimizer", "sgd")]
    [InlineData("--lr does not apply to --model perceptron", "--model", "perceptron", "--lr", "1")]
    [InlineData("--batch-size does not apply to --model perceptron", "--model", "perceptron", "--batch-size", "1")]
    [InlineData("--l2 does not apply to --model perceptron", "--model", "perceptron", "--l2", "0.1")]
    [InlineData("--csv-header applies only to a .csv file given as --dataset, not to 'digits'", "--csv-header")]
    [InlineData("--data-dir applies only to --dataset fashion-mnist or mnist, not to 'iris'", "--dataset", "iris", "--data-dir", "/tmp")]
    [InlineData("--holdout 0.999 leaves 1 of the 1438 training rows for training; the training and holdout parts each need at least one row per class (10 classes): use a smaller --holdout", "--holdout", "0.999")]
    [InlineData("--holdout 0.0001 holds out 1 of the 1438 training rows; the training and holdout parts each need at least one row per class (10 classes): use a larger --holdout, or 0 for none", "--holdout", "0.0001")]
    public void OptionsThatWouldBeIgnoredAreRefused(string message, params string[] args)
    {
        var (exit, output, err) = CliRunner.Run(["train", "--epochs", "1", .. args]);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: " + message, err.TrimEnd());
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("--epochs", "abc", "--epochs takes a whole number, got 'abc'")]
    [InlineData("--seed", "-1", "--seed takes a whole number ≥ 0, got '-1'")]
    [InlineData("--lr", "fast", "--lr takes a number, got 'fast'")]
    public void ParseErrorsSayWhatIsExpectedInWords(string option, string value, string message)
    {
        var e = OneLineError("train", option, value);
        Assert.StartsWith("error: " + message, e);
        Assert.DoesNotContain("System.", e);
    }

    [Fact]
    public void ArgumentExceptionsBecomeOneLineWithoutTheParameterSuffix()
    {
        Assert.Equal("Op: x must be > 0, got 0", Cli.OneLine(new ArgumentOutOfRangeException("x", 0, "Op: x must be > 0, got 0")));
        Assert.Equal("Op: bad y", Cli.OneLine(new ArgumentException("Op: bad y", "y")));
        Assert.Equal("first second", Cli.OneLine(new InvalidDataException("first\nsecond")));
    }

    [Fact]
    public void UnwritableSaveAndPlotPathsAreRefusedBeforeTraining()
    {
        using var dir = new TempDir();
        var file = dir.File("a-file");
        File.WriteAllText(file, "");
        var missingDir = Path.Combine(dir.Path, "no-such-dir");
        foreach (var (option, name) in new[] { ("--save", "m.ckpt"), ("--plot", "c.svg") })
        {
            var path = Path.Combine(missingDir, name);
            var (exit, output, err) = CliRunner.Run("train", option, path);
            Assert.Equal(1, exit);
            Assert.Equal("", output); // refused before loading data or training
            Assert.Equal($"error: {option}: cannot write '{path}': the directory '{missingDir}' does not exist", err.TrimEnd());

            var underFile = Path.Combine(file, name);
            Assert.Equal($"error: {option}: cannot write '{underFile}': '{file}' is a file, not a directory", OneLineError("train", option, underFile));
        }
        Assert.Equal($"error: --save: '{dir.Path}' is a directory; give a file name", OneLineError("train", "--save", dir.Path));
        if (OperatingSystem.IsLinux() && Directory.Exists("/proc"))
            Assert.Equal("error: --plot: cannot write '/proc/c.svg': the directory '/proc' is not writable", OneLineError("train", "--plot", "/proc/c.svg"));
    }

    [Fact]
    public void EvaluateOnADataSetWithOtherFeaturesIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("iris.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", "iris", "--epochs", "1", "--save", path).Exit);
        Assert.Equal($"error: the model in '{path}' takes 4 features (it was trained on 'iris'), but 'wine' has 13; evaluate it on a data set with the same features",
            OneLineError("evaluate", "--load", path, "--dataset", "wine"));
    }

    [Fact]
    public void EvaluateRefusesDataOptionsThatDoNotApply()
    {
        using var dir = new TempDir();
        var path = dir.File("iris.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", "iris", "--epochs", "1", "--save", path).Exit);
        Assert.Equal("error: --data-dir applies only to --dataset fashion-mnist or mnist, not to 'iris'", OneLineError("evaluate", "--load", path, "--data-dir", dir.Path));
        Assert.Equal("error: --csv-header applies only to a .csv file given as --dataset, not to 'iris'", OneLineError("evaluate", "--load", path, "--csv-header"));
    }

    [Fact]
    public void CheckpointWithoutCliMetadataIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("plain.ckpt");
        AutoGrad.IO.Checkpoint.Save(path, new AutoGrad.NN.Linear(4, 3, new Generator(1)));
        Assert.Equal($"error: {path}: the checkpoint has no 'format' entry; it was not written by 'autograd train --save'", OneLineError("evaluate", "--load", path));
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
