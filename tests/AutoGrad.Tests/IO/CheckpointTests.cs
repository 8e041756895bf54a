using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.IO;

public class CheckpointTests
{
    private static readonly Tensor X = Tensor.Randn(new Generator(99), 16, 4);
    private static readonly int[] Y = Enumerable.Range(0, 16).Select(i => i % 3).ToArray();

    private static void Train(TinyMlp model, Optimizer opt, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            TinyMlp.CrossEntropy(model.Forward(X.To(model.Hidden.Weight.DType)), Y).Backward();
            opt.Step();
        }
    }

    private static double[][] Values(TinyMlp model) => model.Parameters().Select(p => p.ToDoubleArray()).ToArray();

    private static (TinyMlp Model, Adam Opt) Trained(string path)
    {
        var model = new TinyMlp(4, 5, 3, new Generator(1));
        var opt = new Adam(model, 0.01, decoupledWeightDecay: 0.001);
        Train(model, opt, 3);
        Checkpoint.Save(path, model, opt, new Dictionary<string, string> { ["model"] = "tiny-mlp", ["hidden"] = "5" });
        return (model, opt);
    }

    [Fact]
    public void RoundTripRestoresParametersAndOptimizerStateExactly()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.ckpt");
        var (model, opt) = Trained(path);

        var model2 = new TinyMlp(4, 5, 3, new Generator(2));
        var opt2 = new Adam(model2, 0.5);
        var file = Checkpoint.Load(path, model2, opt2);
        Assert.Equal("tiny-mlp", file.Metadata["model"]);
        Assert.Equal(["hidden.weight", "hidden.bias", "output.weight", "output.bias"], file.Parameters.Keys);
        Assert.Equal(Values(model), Values(model2));
        var (s1, s2) = (opt.State(), opt2.State());
        Assert.Equal(s1.Step, s2.Step);
        Assert.Equal(s1.Hyperparameters, s2.Hyperparameters);
        Assert.Equal(s1.Tensors.Keys, s2.Tensors.Keys);
        foreach (var (k, t) in s1.Tensors) Assert.Equal(t.ToDoubleArray(), s2.Tensors[k].ToDoubleArray());

        // Resuming gives bit-for-bit the run that never stopped.
        Train(model, opt, 4);
        Train(model2, opt2, 4);
        Assert.Equal(Values(model), Values(model2));
    }

    [Fact]
    public void Float64ModelsAndMomentumStateRoundTrip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("d.ckpt");
        var model = new TinyMlp(4, 3, 3, new Generator(5), DType.Float64);
        var opt = new Momentum(model, 0.1);
        Train(model, opt, 2);
        Checkpoint.Save(path, model, opt);
        var model2 = new TinyMlp(4, 3, 3, new Generator(6), DType.Float64);
        var opt2 = new Momentum(model2, 0.1);
        Checkpoint.Load(path, model2, opt2);
        Assert.Equal(Values(model), Values(model2));
        Assert.Equal(opt.State().Tensors["3.velocity"].ToDoubleArray(), opt2.State().Tensors["3.velocity"].ToDoubleArray());
    }

    [Fact]
    public void WeightsOnlyCheckpointsLoadWithoutAnOptimizerButRefuseToRestoreOne()
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.ckpt");
        var model = new TinyMlp(4, 5, 3, new Generator(1));
        Checkpoint.Save(path, model);
        Assert.Null(Checkpoint.Read(path).Optimizer);
        var target = new TinyMlp(4, 5, 3, new Generator(2));
        var before = Values(target);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target, new Sgd(target)));
        Assert.Contains("holds no optimizer state", e.Message);
        Assert.Equal(before, Values(target));
        Checkpoint.Load(path, target);
        Assert.Equal(Values(model), Values(target));
    }

    [Fact]
    public void TruncatedFilesAreRefusedAndTheModelIsUntouched()
    {
        using var dir = new TempDirectory();
        var path = dir.File("t.ckpt");
        Trained(path);
        var full = File.ReadAllBytes(path);
        var target = new TinyMlp(4, 5, 3, new Generator(7));
        var opt = new Adam(target);
        var before = Values(target);
        foreach (int cut in new[] { 0, 3, 8, 20, 24, 60, full.Length / 2, full.Length - 33, full.Length - 1 })
        {
            File.WriteAllBytes(path, full[..cut]);
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target, opt));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated", e.Message);
            Assert.Equal(path, e.FilePath);
            Assert.Equal(before, Values(target));
            Assert.Equal(0, opt.StepCount);
        }
    }

    [Fact]
    public void CorruptedFilesAreRefusedAndTheModelIsUntouched()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.ckpt");
        Trained(path);
        var good = File.ReadAllBytes(path);
        var target = new TinyMlp(4, 5, 3, new Generator(7));
        var before = Values(target);
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(12));

        void Refused(Action<byte[]> damage, string fragment)
        {
            var bytes = (byte[])good.Clone();
            damage(bytes);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target));
            Assert.Contains(fragment, e.Message);
            Assert.Equal(before, Values(target));
        }

        Refused(b => b[0] = (byte)'P', "not an AutoGrad checkpoint");
        Refused(b => b[8] = 3, "format version 3, written by a newer AutoGrad; this one reads versions 1 and 2");
        Refused(b => b[8] = 0, "format version 0; this AutoGrad reads versions 1 and 2");
        Refused(b => b[30] ^= 0x01, "corrupted: the SHA-256");                      // inside the header
        Refused(b => b[24 + (int)headerLength + 5] ^= 0x40, "corrupted: the SHA-256"); // inside the data
        Refused(b => b[^1] ^= 0xFF, "corrupted: the SHA-256");                      // the checksum itself
        Refused(b => b[16] += 1, "truncated");                                       // the recorded length
        File.WriteAllBytes(path, [.. good, 0]);
        Assert.Contains("1 unexpected bytes", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target)).Message);
        File.WriteAllText(path, "hello, world, this is not a checkpoint at all");
        Assert.Contains("not an AutoGrad checkpoint", Assert.Throws<CheckpointException>(() => Checkpoint.Read(path)).Message);
    }

    [Fact]
    public void MismatchedModelsAreRefusedNamingWhatDiffers()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.ckpt");
        Trained(path);

        var wider = new TinyMlp(4, 6, 3, new Generator(1));
        var before = Values(wider);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, wider));
        Assert.Contains("parameter 'hidden.weight' is float32 [5, 4] in the file but float32 [6, 4] in the model", e.Message);
        Assert.Contains("'output.weight'", e.Message);
        Assert.Equal(before, Values(wider));

        var other = new TinyLinearModel(4, 3, new Generator(1));
        e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, other));
        Assert.Contains("the model's parameter 'weight' (float32 [3, 4]) is missing from the file", e.Message);
        Assert.Contains("the file has a parameter 'hidden.weight' that the model does not have", e.Message);

        var f64 = new TinyMlp(4, 5, 3, new Generator(1), DType.Float64);
        Assert.Contains("float32 [5, 4] in the file but float64 [5, 4]", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, f64)).Message);
    }

    [Fact]
    public void AMismatchedOptimizerLeavesTheModelUntouchedToo()
    {
        using var dir = new TempDirectory();
        var path = dir.File("o.ckpt");
        Trained(path);
        var model = new TinyMlp(4, 5, 3, new Generator(8));
        var before = Values(model);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model, new Momentum(model)));
        Assert.Contains("'adam' optimizer, not 'momentum'", e.Message);
        Assert.Equal(before, Values(model));
        var partial = new Adam(model.Output.Parameters());
        Assert.Contains("4 parameters but this optimizer has 2", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model, partial)).Message);
        Assert.Equal(before, Values(model));
    }

    [Fact]
    public void SavingIsAtomicAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.ckpt");
        var (model, _) = Trained(path);
        var first = File.ReadAllBytes(path);
        Checkpoint.Save(path, new TinyMlp(4, 5, 3, new Generator(3)));
        Assert.NotEqual(first, File.ReadAllBytes(path));
        Assert.Equal(["a.ckpt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        // A save that fails (the target is a directory) leaves neither a temporary file nor a changed target.
        var sub = dir.File("sub");
        Directory.CreateDirectory(sub);
        Assert.ThrowsAny<IOException>(() => Checkpoint.Save(sub, model));
        Assert.Equal(["a.ckpt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        // Invalid input is refused before any file is touched.
        var saved = File.ReadAllBytes(path);
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new KeyValuePair<string, Tensor>("", Tensor.Zeros(1))]));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, model, new Sgd([Tensor.Zeros(2).RequireGrad()])));
        Assert.Contains("'w' is both a parameter and a buffer", Assert.Throws<ArgumentException>(() => Checkpoint.Save(path,
            [new KeyValuePair<string, Tensor>("w", Tensor.Zeros(1))], buffers: [new KeyValuePair<string, Tensor>("w", Tensor.Zeros(1))])).Message);
        Assert.Contains("buffer 'b' appears twice", Assert.Throws<ArgumentException>(() => Checkpoint.Save(path,
            [], buffers: [new KeyValuePair<string, Tensor>("b", Tensor.Zeros(1)), new KeyValuePair<string, Tensor>("b", Tensor.Zeros(1))])).Message);
        Assert.Equal(saved, File.ReadAllBytes(path));
    }

    [Fact]
    public void TheBytesAreTheDocumentedFormat()
    {
        using var dir = new TempDirectory();
        var path = dir.File("g.ckpt");
        var w = Tensor.FromArray(new float[] { 1.5f, -2f }, 2);
        Checkpoint.Save(path, [new KeyValuePair<string, Tensor>("w", w)], metadata: new Dictionary<string, string> { ["k"] = "v" });
        var b = File.ReadAllBytes(path);

        var expected = new List<byte>();
        expected.AddRange([0x89, (byte)'A', (byte)'G', (byte)'C', (byte)'K', (byte)'P', (byte)'T', 0x0A]);
        var header = new List<byte>();
        void U32(List<byte> to, uint v) => to.AddRange(BitConverter.GetBytes(v));
        void Str(List<byte> to, string s) { U32(to, (uint)Encoding.UTF8.GetByteCount(s)); to.AddRange(Encoding.UTF8.GetBytes(s)); }
        U32(header, 1); Str(header, "k"); Str(header, "v");      // metadata
        U32(header, 1); Str(header, "w"); header.Add(0); header.Add(1); U32(header, 2); // one float32 tensor of shape [2]
        U32(header, 0);                                          // no buffers
        header.Add(0);                                           // no optimizer
        U32(expected, 2);
        U32(expected, (uint)header.Count);
        long total = 24 + header.Count + 8 + 32;
        expected.AddRange(BitConverter.GetBytes(total));
        expected.AddRange(header);
        expected.AddRange(BitConverter.GetBytes(1.5f));
        expected.AddRange(BitConverter.GetBytes(-2f));
        expected.AddRange(SHA256.HashData(expected.ToArray()));
        Assert.Equal(expected.ToArray(), b);
        Assert.Equal(98, b.Length); // as docs/checkpoints.md shows, SHA-256 starting AE 89 F5 23
        Assert.Equal([0xAE, 0x89, 0xF5, 0x23], b[66..70]);
    }

    /// <summary>A model with state that is not trained: batch norm's running statistics.</summary>
    private static Sequential NormNet(ulong seed) =>
        new(new BatchNorm1d(4), new Linear(4, 3, new Generator(seed)), new BatchNorm1d(3, affine: false));

    private static void TrainNorm(Sequential model, int steps)
    {
        var opt = new Sgd(model, 0.1);
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            TinyMlp.CrossEntropy(model.Forward(X * 3 + 1), Y).Backward();
            opt.Step();
        }
    }

    [Fact]
    public void BuffersRoundTripSoEvaluationGivesTheSameOutputs()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bn.ckpt");
        var model = NormNet(1);
        TrainNorm(model, 5);
        Checkpoint.Save(path, model);

        var file = Checkpoint.Read(path);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], file.Parameters.Keys);
        Assert.Equal(["0.running_mean", "0.running_var", "2.running_mean", "2.running_var"], file.Buffers.Keys);

        var loaded = NormNet(2);
        Checkpoint.Load(path, loaded);
        foreach (var ((_, a), (_, b)) in model.NamedBuffers().Zip(loaded.NamedBuffers())) Assert.Equal(a.ToFloatArray(), b.ToFloatArray());
        model.Eval();
        loaded.Eval();
        Assert.Equal(model.Forward(X).ToFloatArray(), loaded.Forward(X).ToFloatArray());
        // Without the buffers the evaluation would differ: the fresh model's running statistics are 0 and 1.
        Assert.NotEqual(model.Forward(X).ToFloatArray(), NormNet(1).Eval().Forward(X).ToFloatArray());
    }

    [Fact]
    public void MismatchedBuffersAreRefusedAndNothingIsLoaded()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bn.ckpt");
        var model = NormNet(1);
        TrainNorm(model, 2);
        Checkpoint.Save(path, model);

        // Same parameters, but the last layer keeps no running statistics.
        var other = new Sequential(new BatchNorm1d(4), new Linear(4, 3, new Generator(1)), new BatchNorm1d(3, affine: false, trackRunningStats: false));
        var before = other.Parameters().Select(p => p.ToFloatArray()).ToArray();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, other));
        Assert.Contains("(Sequential, 4 parameters and 2 buffers; file: 4 and 4)", e.Message);
        Assert.Contains("the file has a buffer '2.running_mean' that the model does not have", e.Message);
        Assert.Equal(before, other.Parameters().Select(p => p.ToFloatArray()).ToArray());
        Assert.Equal([0f, 0, 0, 0], ((BatchNorm1d)other[0]).RunningMean!.ToFloatArray());

        var wider = new Sequential(new BatchNorm1d(4), new Linear(4, 3, new Generator(1)), new BatchNorm1d(3, affine: false, dtype: DType.Float64));
        Assert.Contains("buffer '2.running_mean' is float32 [3] in the file but float64 [3] in the model",
            Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, wider)).Message);
    }

    [Fact]
    public void AVersion1FileStillLoads()
    {
        // Version 1 is version 2 without the buffer count: rebuild one from a version 2 file of a model without buffers.
        using var dir = new TempDirectory();
        var path = dir.File("v1.ckpt");
        var model = new TinyMlp(4, 5, 3, new Generator(1));
        Checkpoint.Save(path, model);
        var v2 = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(v2.AsSpan(12));
        var header = v2.AsSpan(24, headerLength).ToArray();
        // The header ends with the buffer count (0) and the optimizer flag (0).
        Assert.Equal([0, 0, 0, 0, 0], header[^5..]);
        var v1Header = header[..^5].Concat(new byte[] { 0 }).ToArray();
        var body = new List<byte>();
        body.AddRange(Checkpoint.Magic.ToArray());
        body.AddRange(BitConverter.GetBytes(1u));
        body.AddRange(BitConverter.GetBytes((uint)v1Header.Length));
        long total = v2.Length - 4;
        body.AddRange(BitConverter.GetBytes(total));
        body.AddRange(v1Header);
        body.AddRange(v2.AsSpan(24 + headerLength, v2.Length - 24 - headerLength - 32).ToArray());
        body.AddRange(SHA256.HashData(body.ToArray()));
        File.WriteAllBytes(path, body.ToArray());

        var file = Checkpoint.Read(path);
        Assert.Equal(1, file.Version);
        Assert.Empty(file.Buffers);
        var target = new TinyMlp(4, 5, 3, new Generator(2));
        Checkpoint.Load(path, target);
        Assert.Equal(Values(model), Values(target));
    }

    [Fact]
    public void AMissingFileIsReported()
    {
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Read("/nonexistent/x.ckpt"));
    }

    [Fact]
    public void ATiedParameterIsSavedOnceAndStaysTiedAfterLoading()
    {
        using var dir = new TempDirectory();
        var path = dir.File("tied.ckpt");
        Sequential Tied(float v)
        {
            var w = Tensor.Full(v, 2, 2);
            return new Sequential(Linear.FromWeights(w), Linear.FromWeights(w));
        }
        var model = Tied(3);
        Checkpoint.Save(path, model);
        Assert.Equal(["0.weight"], Checkpoint.Read(path).Parameters.Keys);
        var other = Tied(1);
        Checkpoint.Load(path, other);
        Assert.Same(((Linear)other[0]).Weight, ((Linear)other[1]).Weight);
        Assert.All(((Linear)other[1]).Weight.ToFloatArray(), v => Assert.Equal(3f, v));
    }
}
