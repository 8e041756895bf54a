using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Tests.Support;
using Microsoft.ML.OnnxRuntime;

namespace AutoGrad.Tests.IO;

/// <summary>
/// ONNX export, checked by running the exported model in ONNX Runtime (a test dependency only) and
/// comparing its outputs with the library's own evaluation-mode forward.
/// </summary>
public class OnnxExportTests
{
    private static readonly Dataset Digits = EmbeddedDatasets.Digits();

    /// <summary>Runs an ONNX model on [n, ...exampleShape] float32 inputs and returns the output and its shape.</summary>
    private static (float[] Values, long[] Shape) RunOnnx(byte[] model, Tensor input)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var x = OrtValue.CreateTensorValueFromMemory(input.ToFloatArray(), input.Shape.ToArray().Select(d => (long)d).ToArray());
        using var run = new RunOptions();
        using var outputs = session.Run(run, [Onnx.InputName], [x], [Onnx.OutputName]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[0].GetTensorTypeAndShape().Shape);
    }

    /// <summary>Exports the model, runs it in ONNX Runtime on <paramref name="x"/>, and checks it against the model's evaluation-mode forward within 1e-5 (relative to the output's scale).</summary>
    private static void AssertSameAsOnnx(Module model, Tensor x)
    {
        bool training = model.IsTraining;
        var bytes = Onnx.ToBytes(model, x.Shape[1..].ToArray());
        Assert.Equal(training, model.IsTraining); // the export does not change the model's mode
        var (actual, shape) = RunOnnx(bytes, x);
        model.Eval();
        float[] expected;
        int[] expectedShape;
        using (Tape.NoGrad())
        {
            var y = model.Forward(x);
            (expected, expectedShape) = (y.ToFloatArray(), y.ShapeArray);
        }
        model.Train(training);
        Assert.Equal(expectedShape.Select(d => (long)d), shape);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * scale, $"output {i}: ONNX Runtime {actual[i]}, AutoGrad {expected[i]} (scale {scale})");
    }

    private static void Train(Module model, Tensor features, int[] labels, int steps, ulong seed)
    {
        var opt = new Adam(model, 0.01);
        var gen = new Generator(seed);
        for (int s = 0; s < steps; s++)
        {
            var rows = gen.Permutation(labels.Length).Take(64).ToArray();
            opt.ZeroGrad();
            Loss.SoftmaxCrossEntropy(model.Forward(features.IndexSelect(0, rows)), rows.Select(r => labels[r]).ToArray()).Backward();
            opt.Step();
        }
    }

    [Fact]
    public void ATrainedMlpGivesTheSameLogitsInOnnxRuntime()
    {
        var features = Digits.Features / 16.0;
        var model = Mlp.Create([64, 32, 16, 10], Activation.ReLU, new Generator(1), dropout: 0.2);
        Train(model, features, Digits.Labels, 60, 2);
        AssertSameAsOnnx(model, features.Slice(0, 0, 200));
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void ATrainedCnnWithBatchNormGivesTheSameLogitsInOnnxRuntime()
    {
        var features = Digits.Features / 16.0;
        // The CLI's --model cnn: Unflatten, conv 3×3 → batch norm → ReLU → max-pool blocks, dense head with dropout.
        var model = Cnn.Create(1, 8, 8, [4, 8], [16], 10, new Generator(3), batchNorm: true, dropout: 0.3, flattenInput: true);
        Train(model, features, Digits.Labels, 30, 4);
        var before = model.Buffers().Select(b => b.ToFloatArray()).ToList();
        AssertSameAsOnnx(model, features.Slice(0, 0, 100));
        Assert.Equal(before, model.Buffers().Select(b => b.ToFloatArray()).ToList()); // shape inference ran in evaluation mode
    }

    [Fact]
    public void ConvolutionAndPoolingArgumentsAreExported()
    {
        var g = new Generator(5);
        var model = new Sequential(
            new Conv2d(2, 4, (3, 2), g, stride: (2, 1), padding: (1, 1), dilation: (1, 2), groups: 2),
            new BatchNorm2d(4, eps: 1e-3),
            new Tanh(),
            new MaxPool2d((2, 2), stride: (1, 1), padding: (1, 0)),
            new AvgPool2d(2, stride: 1, padding: 1, countIncludePad: false),
            new Conv2d(4, 3, 1, g, bias: false),
            new AvgPool2d(2),
            new Sigmoid(),
            new Flatten(),
            new LayerNorm(3 * 3 * 3),
            new Dropout(0.5, g, DropoutMode.ScaleAtTest),
            new Linear(27, 5, g, bias: false),
            new Identity());
        var x = Tensor.Randn(new Generator(6), 3, 2, 9, 6);
        using (Tape.NoGrad()) model.Forward(x); // batch statistics into the running ones
        AssertSameAsOnnx(model, Tensor.Randn(new Generator(7), 4, 2, 9, 6));
    }

    [Fact]
    public void OneDimensionalAndSequenceLayersAreExported()
    {
        var g = new Generator(8);
        var model = new Sequential(
            new Conv1d(3, 4, 3, g, stride: 2, padding: 1, dilation: 1),
            new BatchNorm1d(4, affine: false),
            new ReLU(),
            new Flatten(1, 2),
            new Unflatten(1, 4, 3),
            new Sequential(new LayerNorm([4, 3], elementwiseAffine: false), new Flatten(2)),
            new Unflatten(1, 2, 2),
            new Flatten(1, 2),
            new LastTimeStep(),
            new Linear(3, 2, g),
            new Unflatten(1, 2, 1, 1),
            new GlobalAvgPool2d(),
            new Flatten());
        var x = Tensor.Randn(new Generator(9), 5, 3, 6);
        AssertSameAsOnnx(model, x);
    }

    [Fact]
    public void ALinearOnASequenceIsMatMulAndAdd()
    {
        var g = new Generator(10);
        var model = new Sequential(new Linear(4, 3, g), new ReLU(), new Linear(3, 2, g));
        AssertSameAsOnnx(model, Tensor.Randn(new Generator(11), 2, 5, 4));
    }

    [Fact]
    public void TheGraphCanStandardizeRawFeatures()
    {
        var raw = Digits.Features.Slice(0, 0, 50);
        var standardizer = Standardizer.Fit(Digits.Features);
        var model = Mlp.Create([64, 16, 10], Activation.Tanh, new Generator(15));
        var mean = Tensor.FromArray(standardizer.Mean.ToArray());
        var std = Tensor.FromArray(standardizer.Std.ToArray());
        var (actual, _) = RunOnnx(Onnx.ToBytes(model, [64], inputMean: mean, inputStd: std), raw);
        model.Eval();
        float[] expected;
        using (Tape.NoGrad()) expected = model.Forward(standardizer.Transform(raw)).ToFloatArray();
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5, $"output {i}: {actual[i]} vs {expected[i]}");

        Assert.StartsWith("Onnx.Export: inputMean is given without inputStd", Assert.Throws<ArgumentException>(() => Onnx.ToBytes(model, [64], inputMean: mean)).Message);
        Assert.Contains("inputMean", Assert.Throws<ShapeException>(() => Onnx.ToBytes(model, [64], inputMean: Tensor.Zeros(63), inputStd: std)).Message);
        Assert.StartsWith("Onnx.Export: inputStd element 1 is 0", Assert.Throws<ArgumentException>(() =>
            Onnx.ToBytes(model, [64], inputMean: mean, inputStd: Tensor.FromArray(Enumerable.Range(0, 64).Select(i => i == 1 ? 0f : 1f).ToArray()))).Message);
    }

    [Fact]
    public void ExportWritesAFileThatOnnxRuntimeOpens()
    {
        using var dir = new TempDirectory();
        var path = dir.File("mlp.onnx");
        var model = Mlp.Create([4, 3, 2], Activation.Sigmoid, new Generator(12));
        Onnx.Export(path, model, [4], new Dictionary<string, string> { ["dataset"] = "none" });
        using var session = new InferenceSession(path);
        Assert.Equal([Onnx.InputName], session.InputNames);
        Assert.Equal([-1L, 4], session.InputMetadata[Onnx.InputName].Dimensions.Select(d => (long)d));
        Assert.Equal("batch", session.InputMetadata[Onnx.InputName].SymbolicDimensions[0]);
        Assert.Equal([Onnx.OutputName], session.OutputNames);
        Assert.Equal("none", session.ModelMetadata.CustomMetadataMap["dataset"]);
        Assert.Equal("AutoGrad", session.ModelMetadata.ProducerName);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void UnsupportedModulesAreNamedWithTheirPath()
    {
        var g = new Generator(13);
        var e = Assert.Throws<NotSupportedException>(() => Onnx.ToBytes(new Sequential(new Linear(2, 2, g), new Sequential(new ReLU(), new Lstm(2, 2, g))), [3, 2]));
        Assert.StartsWith("Onnx.Export: cannot export the Lstm at '1.1': recurrent layers are not exported to ONNX", e.Message);
        Assert.Contains("Supported modules: Sequential, Linear", e.Message);
        e = Assert.Throws<NotSupportedException>(() => Onnx.ToBytes(new LogisticRegression(3, g), [3]));
        Assert.StartsWith("Onnx.Export: cannot export the LogisticRegression at the top of the model: it has no ONNX form here", e.Message);
        e = Assert.Throws<NotSupportedException>(() => Onnx.ToBytes(new Sequential(new BatchNorm1d(2, trackRunningStats: false)), [2]));
        Assert.StartsWith("Onnx.Export: cannot export the BatchNorm1d at '0': without running statistics", e.Message);
        e = Assert.Throws<NotSupportedException>(() => Onnx.ToBytes(new Sequential(new Flatten(0)), [2, 2]));
        Assert.StartsWith("Onnx.Export: cannot export the Flatten at '0': it merges the batch dimension", e.Message);
        e = Assert.Throws<NotSupportedException>(() => Onnx.ToBytes(new Sequential(new Unflatten(0, 1, 1)), [2]));
        Assert.StartsWith("Onnx.Export: cannot export the Unflatten at '0': it splits the batch dimension", e.Message);
    }

    [Fact]
    public void AWrongExampleShapeIsTheLayersShapeError()
    {
        var model = Mlp.Create([4, 3, 2], Activation.ReLU, new Generator(14));
        var e = Assert.Throws<ShapeException>(() => Onnx.ToBytes(model, [5]));
        Assert.Contains("Linear", e.Message);
        Assert.Contains("[1, 5]", e.Message);
        Assert.True(model.IsTraining);
        Assert.StartsWith("Onnx.Export: exampleShape is empty", Assert.Throws<ArgumentException>(() => Onnx.ToBytes(model, [])).Message);
        Assert.StartsWith("Onnx.Export: exampleShape[0] is 0 (shape [0])", Assert.Throws<ArgumentException>(() => Onnx.ToBytes(model, [0])).Message);
    }
}
