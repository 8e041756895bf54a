namespace AutoGrad.Cli.Tests.Commands;

/// <summary>Errors about the user's input name the option or file and the value, not an internal call.</summary>
public class InputMessageTests
{
    private static string OneLineError(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(1, exit);
        var lines = err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", err);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    [Theory]
    [InlineData("32,,16", "error: --hidden takes positive integers separated by commas (e.g. 256,128), got '32,,16': the second size is empty")]
    [InlineData("32,", "error: --hidden takes positive integers separated by commas (e.g. 256,128), got '32,': the second size is empty")]
    [InlineData(",", "error: --hidden takes positive integers separated by commas (e.g. 256,128), got ',': the first size is empty")]
    [InlineData("99999999999", "error: --hidden takes positive integers separated by commas (e.g. 256,128), got '99999999999': 99999999999 is too large (at most 2,147,483,647)")]
    [InlineData("0", "error: --hidden takes positive integers separated by commas (e.g. 256,128), got '0'")]
    public void EmptyOrImpossibleHiddenSizesAreNamed(string hidden, string message) =>
        Assert.Equal(message, OneLineError("train", "--hidden", hidden, "--epochs", "1"));

    [Fact]
    public void AHiddenLayerTooLargeToBuildNamesTheOptionNotTheAllocation()
    {
        var e = OneLineError("train", "--hidden", "99999999", "--epochs", "1");
        Assert.Equal("error: --hidden 99999999: the layer 64 → 99,999,999 would need 6,399,999,936 weights, more than one tensor can hold (2,147,483,591); use smaller sizes", e);
        Assert.DoesNotContain("Zeros", e);
    }

    [Fact]
    public void ConvAndRecurrentSizesTooLargeToBuildAreNamed()
    {
        Assert.StartsWith("error: --conv 8,99999999 --hidden 128: the convolution 8 → 99,999,999 channels would need", OneLineError("train", "--model", "cnn", "--conv", "8,99999999", "--epochs", "1"));
        Assert.StartsWith("error: --hidden 99999999: the recurrent weights of layer 1 (4×99,999,999 × 99,999,999) would need", OneLineError("train", "--model", "lstm", "--dataset", "sunspots", "--hidden", "99999999"));
    }

    [Fact]
    public void ADirectoryGivenAsACheckpointIsNamedAsOne()
    {
        using var dir = new TempDir();
        Assert.Equal($"error: --load: '{dir.Path}' is a directory; give the checkpoint file that 'autograd train --save FILE' wrote", OneLineError("evaluate", "--load", dir.Path));
        Assert.StartsWith($"error: --checkpoint: '{dir.Path}' is a directory", OneLineError("generate", "--checkpoint", dir.Path));
        Assert.Equal($"error: --save: '{dir.Path}' is a directory; give a file name", OneLineError("train", "--save", dir.Path));
    }

    [Fact]
    public void ASaveUnderAFileSaysItIsAFile()
    {
        using var dir = new TempDir();
        var file = dir.File("plain");
        File.WriteAllText(file, "x");
        var target = Path.Combine(file, "m.ckpt");
        Assert.Equal($"error: --save: cannot write '{target}': '{file}' is a file, not a directory", OneLineError("train", "--save", target));
    }

    [Fact]
    public void AHeaderLineWithoutCsvHeaderSuggestsIt()
    {
        using var dir = new TempDir();
        var csv = dir.File("data.csv");
        File.WriteAllLines(csv, ["width,height,label", .. Enumerable.Range(0, 20).Select(i => $"{i},{i % 3},{i % 2}")]);
        Assert.Equal($"error: {csv}, line 1: field 1 (feature 1) is 'width', not a number; if the first line is a header, add --csv-header", OneLineError("train", "--dataset", csv));
        Assert.True(CliRunner.Run("train", "--dataset", csv, "--csv-header", "--epochs", "1").Exit == 0);

        // A bad value further down is not a header: no suggestion.
        File.WriteAllLines(csv, [.. Enumerable.Range(0, 20).Select(i => $"{i},{i % 3},{i % 2}"), "1,x,0"]);
        Assert.DoesNotContain("--csv-header", OneLineError("train", "--dataset", csv));
    }
}
