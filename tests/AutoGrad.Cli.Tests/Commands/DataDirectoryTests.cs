namespace AutoGrad.Cli.Tests.Commands;

/// <summary>Tests that set $AUTOGRAD_DATA (process-wide) run alone, never next to another test.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

/// <summary>Where IDX data is read from: --data-dir, else $AUTOGRAD_DATA, else the data set's own default directory.</summary>
[Collection(nameof(EnvironmentCollection))]
public class DataDirectoryTests
{
    private static (int Exit, string Out, string Err) RunWithEnvironment(string? value, params string[] args)
    {
        var saved = Environment.GetEnvironmentVariable("AUTOGRAD_DATA");
        try
        {
            Environment.SetEnvironmentVariable("AUTOGRAD_DATA", value);
            return CliRunner.Run(args);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AUTOGRAD_DATA", saved);
        }
    }

    [Fact]
    public void AutogradDataIsUsedWhenNoDataDirIsGiven()
    {
        using var dir = new TempDir();
        ErrorTests.WriteSet(dir.Path);
        var (exit, output, err) = RunWithEnvironment(dir.Path, "train", "--dataset", "mnist", "--epochs", "1", "--holdout", "0.2");
        Assert.True(exit == 0, err);
        Assert.StartsWith($"mnist (IDX files in {dir.Path}, from $AUTOGRAD_DATA): 8 training, 2 holdout, 4 test rows", output);
    }

    [Fact]
    public void DataDirWinsOverAutogradData()
    {
        using var dir = new TempDir();
        ErrorTests.WriteSet(dir.Path);
        var (exit, output, err) = RunWithEnvironment("/no/such/dir", "train", "--dataset", "mnist", "--data-dir", dir.Path, "--epochs", "1", "--holdout", "0.2");
        Assert.True(exit == 0, err);
        Assert.StartsWith($"mnist (IDX files in {dir.Path}, from --data-dir):", output);
    }

    [Fact]
    public void MissingAutogradDataDirectoryIsNamedWithItsOrigin()
    {
        var (exit, _, err) = RunWithEnvironment("/no/such/dir", "train", "--dataset", "fashion-mnist");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: fashion-mnist: no directory '/no/such/dir' (from $AUTOGRAD_DATA); install it with 'apt-get install dataset-fashion-mnist'", err);
    }

    [Fact]
    public void MnistNeverFallsBackToFashionMnist()
    {
        var (exit, output, err) = RunWithEnvironment(null, "train", "--dataset", "mnist", "--epochs", "1");
        if (Directory.Exists("/usr/share/datasets/mnist"))
        {
            Assert.StartsWith("mnist (IDX files in /usr/share/datasets/mnist, the default directory):", output);
            return;
        }
        Assert.Equal(1, exit);
        Assert.Equal("error: mnist: no data directory; MNIST needs --data-dir DIR or $AUTOGRAD_DATA naming a directory with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may be .gz)", err.TrimEnd());
    }

    [Fact]
    public void FashionMnistFallsBackToItsPackageDirectory()
    {
        var (exit, output, err) = RunWithEnvironment(null, "train", "--dataset", "fashion-mnist", "--epochs", "1", "--hidden", "8", "--batch-size", "1000", "--holdout", "0");
        if (Directory.Exists("/usr/share/datasets/fashion-mnist"))
        {
            Assert.True(exit == 0, err);
            Assert.StartsWith("fashion-mnist (IDX files in /usr/share/datasets/fashion-mnist, the default directory): 60000 training, 0 holdout, 10000 test rows", output);
            return;
        }
        Assert.Equal(1, exit);
        Assert.StartsWith("error: fashion-mnist: no directory '/usr/share/datasets/fashion-mnist' (the default directory); install it with 'apt-get install dataset-fashion-mnist'", err);
    }
}
