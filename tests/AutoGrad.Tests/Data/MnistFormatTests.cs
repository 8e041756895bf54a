using AutoGrad.Data;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Data;

public class MnistFormatTests
{
    /// <summary>Writes a tiny MNIST-layout directory: 5 training and 3 test images of 2×3 pixels.</summary>
    private static void WriteSet(TempDirectory dir, bool gzip, int trainLabels = 5, int testRows = 2, int testCols = 3)
    {
        string ext = gzip ? ".gz" : "";
        var train = Enumerable.Range(0, 5 * 6).Select(i => (byte)(i * 8)).ToArray();
        IdxFile.WriteUInt8(dir.File("train-images-idx3-ubyte" + ext), train, [5, 2, 3], gzip);
        IdxFile.WriteUInt8(dir.File("train-labels-idx1-ubyte" + ext), new byte[] { 0, 1, 2, 9, 4 }.AsSpan(0, trainLabels), [trainLabels], gzip);
        IdxFile.WriteUInt8(dir.File("t10k-images-idx3-ubyte" + ext), Enumerable.Repeat((byte)255, 3 * testRows * testCols).ToArray(), [3, testRows, testCols], gzip);
        IdxFile.WriteUInt8(dir.File("t10k-labels-idx1-ubyte" + ext), [3, 3, 7], [3], gzip);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsTheFourFilesWithFeaturesScaledToUnitInterval(bool gzip)
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip);
        var (train, test) = MnistFormat.Load(dir.Path);
        Assert.Equal(5, train.Count);
        Assert.Equal(6, train.FeatureCount);
        Assert.Equal(new ImageShape(1, 2, 3), train.ImageShape);
        Assert.Equal(train.ImageShape, test.ImageShape);
        Assert.Equal(3, test.Count);
        Assert.Equal([0, 1, 2, 9, 4], train.Labels);
        Assert.Equal(10, train.ClassCount);
        Assert.Equal(10, test.ClassCount);
        Assert.Equal(8 / 255.0, train.Features[0, 1], 1e-7);
        Assert.Equal(232 / 255.0, train.Features[4, 5], 1e-7);
        Assert.All(test.Features.ToFloatArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void FashionMnistGetsItsClassNames()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip: true);
        var (train, _) = MnistFormat.LoadFashionMnist(dir.Path);
        Assert.Equal("Ankle boot", train.ClassNames[9]);
    }

    [Fact]
    public void MismatchedImageAndLabelCountsAreRefused()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip: false, trainLabels: 4);
        var e = Assert.Throws<InvalidDataException>(() => MnistFormat.Load(dir.Path));
        Assert.Contains("holds 5 images", e.Message);
        Assert.Contains("holds 4 labels", e.Message);
        Assert.Contains("one label per image", e.Message);
    }

    [Fact]
    public void DifferentImageSizesInTrainAndTestAreRefused()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip: false, testRows: 3, testCols: 2);
        Assert.Contains("2×3 but test images are 3×2", Assert.Throws<InvalidDataException>(() => MnistFormat.Load(dir.Path)).Message);
    }

    [Fact]
    public void LabelsStoredAsImagesAreRefused()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip: false);
        IdxFile.WriteUInt8(dir.File("train-labels-idx1-ubyte"), new byte[5], [5, 1]);
        Assert.EndsWith("train-labels-idx1-ubyte: wrong magic number 0x00000802 for a labels file; expected 0x00000801 (unsigned bytes, 1 dimension: the count)",
            Assert.Throws<InvalidDataException>(() => MnistFormat.Load(dir.Path)).Message);
    }

    [Fact]
    public void MissingFilesAndDirectoriesSayWhatIsExpectedAndHowToGetIt()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip: false);
        File.Delete(dir.File("t10k-labels-idx1-ubyte"));
        var e = Assert.Throws<FileNotFoundException>(() => MnistFormat.Load(dir.Path));
        Assert.Contains("has no t10k-labels-idx1-ubyte (nor t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte, t10k-labels.idx1-ubyte.gz); expected a directory with train-images-idx3-ubyte", e.Message);
        Assert.DoesNotContain("dataset-fashion-mnist", e.Message); // the generic loader does not assume Fashion-MNIST
        var fashion = Assert.Throws<FileNotFoundException>(() => MnistFormat.LoadFashionMnist(dir.Path));
        Assert.EndsWith("On Debian or Ubuntu, 'apt-get install dataset-fashion-mnist' installs Fashion-MNIST in /usr/share/datasets/fashion-mnist", fashion.Message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(fashion.Message, "apt-get"));
        Assert.Contains("no directory", Assert.Throws<DirectoryNotFoundException>(() => MnistFormat.Load(Path.Combine(dir.Path, "nope"))).Message);
    }

    [Fact]
    public void ZeroImagesAreRefused()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip: false);
        IdxFile.WriteUInt8(dir.File("train-images-idx3-ubyte"), [], [0, 2, 3]);
        IdxFile.WriteUInt8(dir.File("train-labels-idx1-ubyte"), [], [0]);
        Assert.EndsWith("train-images-idx3-ubyte: holds 0 images; expected at least one", Assert.Throws<InvalidDataException>(() => MnistFormat.Load(dir.Path)).Message);
    }

    [Fact]
    public void ResolveDirectoryPrefersTheArgumentThenTheEnvironment()
    {
        Assert.Equal("/x", MnistFormat.ResolveDirectory("/x"));
        var saved = Environment.GetEnvironmentVariable(MnistFormat.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(MnistFormat.EnvironmentVariable, "/from/env");
            Assert.Equal("/from/env", MnistFormat.ResolveDirectory());
            Assert.Equal("/from/env", MnistFormat.ResolveDirectory(null, null));
            Environment.SetEnvironmentVariable(MnistFormat.EnvironmentVariable, null);
            Assert.Equal(MnistFormat.DefaultDirectory, MnistFormat.ResolveDirectory(null));
            Assert.Null(MnistFormat.ResolveDirectory(null, null)); // no default: the caller asks for a directory
            Assert.Equal(MnistFormat.DefaultMnistDirectory, MnistFormat.ResolveDirectory("", MnistFormat.DefaultMnistDirectory));
        }
        finally
        {
            Environment.SetEnvironmentVariable(MnistFormat.EnvironmentVariable, saved);
        }
    }
}
