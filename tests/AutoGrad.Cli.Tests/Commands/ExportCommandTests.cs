using AutoGrad.IO;

namespace AutoGrad.Cli.Tests.Commands;

/// <summary><c>autograd export</c>: safetensors under PyTorch's names for every model, ONNX for the classifiers, clear errors otherwise.</summary>
public class ExportCommandTests
{
    private static string Train(TempDir dir, string name, params string[] args)
    {
        var path = dir.File(name);
        var r = CliRunner.Run(["train", .. args, "--save", path]);
        Assert.True(r.Exit == 0, r.Err);
        return path;
    }

    [Fact]
    public void SafetensorsHoldTheCheckpointsWeightsInPyTorchsLayout()
    {
        using var dir = new TempDir();
        var ckpt = Train(dir, "m.ckpt", "--epochs", "2", "--hidden", "16");
        var r = CliRunner.Run("export", "--checkpoint", ckpt, "--out", dir.File("m.safetensors"));
        Assert.True(r.Exit == 0, r.Err);
        Assert.StartsWith($"wrote {dir.File("m.safetensors")}: safetensors, 4 tensors of the mlp under PyTorch's state_dict names and layout (0.weight [16, 64], 0.bias [16], 2.weight [10, 16], 2.bias [10])", r.Out);
        var file = Safetensors.Read(dir.File("m.safetensors"));
        var checkpoint = Checkpoint.Read(ckpt);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], file.Tensors.Keys);
        Assert.Equal(checkpoint.Parameters["0.weight"].T.ToFloatArray(), file.Tensors["0.weight"].ToFloatArray());
        Assert.Equal(checkpoint.Parameters["2.bias"].ToFloatArray(), file.Tensors["2.bias"].ToFloatArray());
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("autograd-cli/1", file.Metadata["autograd-format"]);
        Assert.Equal(checkpoint.Metadata["mean"], file.Metadata["mean"]);
    }

    [Fact]
    public void ACnnWithBatchNormExportsToBothFormats()
    {
        using var dir = new TempDir();
        var ckpt = Train(dir, "cnn.ckpt", "--model", "cnn", "--conv", "4", "--hidden", "8", "--batch-norm", "--epochs", "1");
        var st = CliRunner.Run("export", "--checkpoint", ckpt, "--out", dir.File("cnn.bin"), "--format", "safetensors");
        Assert.True(st.Exit == 0, st.Err);
        Assert.Contains("1.weight", Safetensors.Load(dir.File("cnn.bin")).Keys); // the Unflatten is 0, the first conv 1 (no bias with batch norm)
        Assert.Contains("2.running_var", Safetensors.Load(dir.File("cnn.bin")).Keys);
        var onnx = CliRunner.Run("export", "--checkpoint", ckpt, "--out", dir.File("cnn.onnx"));
        Assert.True(onnx.Exit == 0, onnx.Err);
        Assert.Equal($"wrote {dir.File("cnn.onnx")}: ONNX (IR 8, opset 17) of the cnn in evaluation mode, input 'input' [batch, 64] of raw features (standardized in the graph), output 'output': 10 logits per row",
            CliRunner.LastLine(onnx.Out));
        var bytes = File.ReadAllBytes(dir.File("cnn.onnx"));
        Assert.Equal([0x08, 0x08], bytes[..2]); // ModelProto field 1, ir_version = 8
        Assert.Contains("input_mean", System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void ARecurrentModelExportsItsWeightsButNotAGraph()
    {
        using var dir = new TempDir();
        var ckpt = Train(dir, "lstm.ckpt", "--model", "lstm", "--dataset", "sunspots", "--hidden", "4", "--epochs", "1");
        var st = CliRunner.Run("export", "--checkpoint", ckpt, "--out", dir.File("lstm.safetensors"));
        Assert.True(st.Exit == 0, st.Err);
        Assert.Equal(["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "head.weight", "head.bias"], Safetensors.Load(dir.File("lstm.safetensors")).Keys);
        var onnx = CliRunner.Run("export", "--checkpoint", ckpt, "--out", dir.File("lstm.onnx"));
        Assert.Equal(1, onnx.Exit);
        Assert.Equal($"error: --format onnx exports the mlp, softmax, logistic and cnn models; '{ckpt}' holds a lstm (its weights export with --format safetensors)", onnx.Err.TrimEnd());
        Assert.False(File.Exists(dir.File("lstm.onnx")));
    }

    [Theory]
    [InlineData("m.txt", null, "error: --format is not given and '{out}' has neither the extension .safetensors nor .onnx; give --format safetensors or onnx")]
    [InlineData("m.onnx", "tflite", "error: --format must be one of safetensors, onnx, got 'tflite'")]
    public void BadFormatsAreRefused(string name, string? format, string message)
    {
        using var dir = new TempDir();
        var ckpt = Train(dir, "m.ckpt", "--epochs", "1", "--hidden", "4");
        string[] args = format is null ? ["export", "--checkpoint", ckpt, "--out", dir.File(name)] : ["export", "--checkpoint", ckpt, "--out", dir.File(name), "--format", format];
        var r = CliRunner.Run(args);
        Assert.Equal(1, r.Exit);
        Assert.Equal(message.Replace("{out}", dir.File(name)), r.Err.TrimEnd());
    }

    [Fact]
    public void AMissingCheckpointIsNamed()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("export", "--checkpoint", dir.File("none.ckpt"), "--out", dir.File("m.onnx"));
        Assert.Equal(1, r.Exit);
        Assert.StartsWith($"error: checkpoint '{dir.File("none.ckpt")}' not found", r.Err);
    }

    [Fact]
    public void ThePerceptronExportsItsWeightsOnly()
    {
        using var dir = new TempDir();
        var ckpt = Train(dir, "p.ckpt", "--model", "perceptron", "--dataset", "breast-cancer", "--epochs", "2");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", ckpt, "--out", dir.File("p.safetensors")).Exit);
        var onnx = CliRunner.Run("export", "--checkpoint", ckpt, "--out", dir.File("p.onnx"));
        Assert.Equal(1, onnx.Exit);
        Assert.Contains("holds a perceptron", onnx.Err);
    }
}
