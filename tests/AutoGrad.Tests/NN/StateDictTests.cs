using AutoGrad.Autograd;
using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>
/// Module.StateDict and Module.LoadStateDict: PyTorch's state_dict() names, order and layout;
/// loads that check everything before writing anything.
/// </summary>
public class StateDictTests
{
    private static Sequential Mlp(ulong seed) => new(
        new Linear(4, 5, new Generator(seed)), new BatchNorm1d(5), new ReLU(), new Dropout(0.1, new Generator(seed + 1)), new Linear(5, 3, new Generator(seed + 2)));

    private static readonly Tensor X = Tensor.Randn(new Generator(5), 8, 4);

    private static float[] Eval(Module m)
    {
        m.Eval();
        using (Tape.NoGrad()) return m.Forward(X).ToFloatArray();
    }

    /// <summary>A few training-mode forwards so batch norm's running statistics are not their initial 0 and 1.</summary>
    private static Sequential Trained(ulong seed)
    {
        var m = Mlp(seed);
        using (Tape.NoGrad()) for (int i = 0; i < 3; i++) m.Forward(X * (i + 1.0));
        return m;
    }

    [Fact]
    public void NamesAndOrderArePyTorchs()
    {
        var sd = Mlp(1).StateDict();
        // torch.nn.Sequential(Linear(4, 5), BatchNorm1d(5), ReLU(), Dropout(), Linear(5, 3)).state_dict(),
        // less num_batches_tracked, which this batch norm does not keep.
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "4.weight", "4.bias"], sd.Keys);
        Assert.Equal([5, 4], sd["0.weight"].Shape.ToArray()); // torch.nn.Linear's [out, in]
        Assert.Equal([3, 5], sd["4.weight"].Shape.ToArray());
        Assert.Equal([5], sd["1.running_var"].Shape.ToArray());
    }

    [Fact]
    public void LinearsWeightIsTransposedAndEveryValueIsADetachedCopy()
    {
        var m = Mlp(1);
        var lin = (Linear)m[0];
        var sd = m.StateDict();
        using (Tape.NoGrad()) Assert.Equal(lin.Weight.T.ToFloatArray(), sd["0.weight"].ToFloatArray());
        Assert.All(sd.Values, t => Assert.False(t.RequiresGrad));
        Assert.All(sd.Values, t => Assert.True(t.IsLeaf));
        sd["0.bias"].Fill(7);
        Assert.All(lin.Bias!.ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.Equal("0.bias", sd["0.bias"].Name);
    }

    [Fact]
    public void RecurrentConvolutionAndEmbeddingNamesArePyTorchs()
    {
        var g = new Generator(3);
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                      "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"],
            new Lstm(3, 4, g, layers: 2, bidirectional: true).StateDict().Keys);
        var lstm = new Lstm(3, 4, g).StateDict();
        Assert.Equal([16, 3], lstm["weight_ih_l0"].Shape.ToArray()); // 4 gates × H rows, as torch.nn.LSTM
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], new GruCell(3, 4, g).StateDict().Keys);
        var conv = new Sequential(new Conv2d(1, 2, 3, g), new BatchNorm2d(2), new Embedding(5, 2, g)).StateDict();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "2.weight"], conv.Keys);
        Assert.Equal([2, 1, 3, 3], conv["0.weight"].Shape.ToArray());
        Assert.Equal([5, 2], conv["2.weight"].Shape.ToArray());
    }

    [Fact]
    public void LoadingAStateDictGivesTheSameModel()
    {
        var trained = Trained(1);
        var fresh = Mlp(9);
        Assert.NotEqual(Eval(trained), Eval(fresh));
        var result = fresh.LoadStateDict(trained.StateDict());
        Assert.True(result.IsExactMatch);
        Assert.Equal(Eval(trained), Eval(fresh));
        Assert.Equal(((BatchNorm)trained[1]).RunningMean!.ToFloatArray(), ((BatchNorm)fresh[1]).RunningMean!.ToFloatArray());
        // The loaded parameters are still the module's own tensors, trainable.
        Assert.True(((Linear)fresh[0]).Weight.RequiresGrad);
        Assert.Same(((Linear)fresh[0]).Weight, fresh.Parameters().First());
    }

    [Fact]
    public void LoadingWhileTheTapeRecordsDoesNotRecord()
    {
        var m = Mlp(2);
        m.LoadStateDict(Trained(1).StateDict());
        Assert.All(m.Parameters(), p => Assert.True(p.IsLeaf));
    }

    [Fact]
    public void MissingUnexpectedAndMisshapenKeysAreNamedAndNothingIsLoaded()
    {
        var m = Mlp(1);
        var before = Eval(m);
        var sd = Trained(2).StateDict();
        sd.Remove("4.bias");
        sd["5.weight"] = Tensor.Zeros(1);
        sd["0.weight"] = Tensor.Zeros(4, 5); // our [in, out] layout, not PyTorch's
        var e = Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd));
        Assert.Contains("Sequential.LoadStateDict: the state dict does not fit the module (8 keys; state dict: 8), nothing was loaded", e.Message);
        Assert.Contains("missing key(s) '4.bias'", e.Message);
        Assert.Contains("unexpected key(s) '5.weight'", e.Message);
        Assert.Contains("'0.weight' is float32 [4, 5] in the state dict but the module expects float32 [5, 4] (PyTorch's layout, the transpose of the module's)", e.Message);
        Assert.Equal(before, Eval(m));
    }

    [Fact]
    public void ADTypeMismatchOrANullIsRefused()
    {
        var m = Mlp(1);
        var sd = m.StateDict();
        sd["1.running_mean"] = Tensor.Zeros(DType.Float64, 5);
        sd["1.bias"] = null!;
        var e = Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd));
        Assert.Contains("'1.running_mean' is float64 [5] in the state dict but the module expects float32 [5]", e.Message);
        Assert.Contains("'1.bias' is null; the module expects float32 [5]", e.Message);
    }

    [Fact]
    public void NotStrictLoadsWhatMatchesAndReportsTheRest()
    {
        var m = Mlp(1);
        var source = Trained(2);
        var sd = source.StateDict();
        sd.Remove("4.weight");
        sd.Remove("4.bias");
        sd["head.weight"] = Tensor.Zeros(3, 5);
        var lastBefore = ((Linear)m[4]).Weight.ToFloatArray();
        var result = m.LoadStateDict(sd, strict: false);
        Assert.Equal(["4.weight", "4.bias"], result.MissingKeys);
        Assert.Equal(["head.weight"], result.UnexpectedKeys);
        Assert.False(result.IsExactMatch);
        Assert.Equal(((Linear)source[0]).Weight.ToFloatArray(), ((Linear)m[0]).Weight.ToFloatArray());
        Assert.Equal(lastBefore, ((Linear)m[4]).Weight.ToFloatArray());
        // A shape mismatch is an error even when not strict (as in PyTorch).
        sd["0.bias"] = Tensor.Zeros(6);
        Assert.Contains("'0.bias' is float32 [6]", Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd, strict: false)).Message);
    }

    [Fact]
    public void PyTorchsNumBatchesTrackedIsAcceptedAndIgnored()
    {
        var m = Mlp(1);
        var sd = Trained(2).StateDict();
        sd["1.num_batches_tracked"] = Tensor.Scalar(3);
        Assert.True(m.LoadStateDict(sd).IsExactMatch);
        Assert.Equal(Eval(Trained(2)), Eval(m));

        sd["1.num_batches_tracked"] = Tensor.Zeros(2);
        Assert.Contains("'1.num_batches_tracked' (ignored state) should hold one number but is float32 [2]", Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd)).Message);

        // Only where there is a batch norm with running statistics.
        sd.Remove("1.num_batches_tracked");
        sd["0.num_batches_tracked"] = Tensor.Scalar(3);
        Assert.Contains("unexpected key(s) '0.num_batches_tracked'", Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd)).Message);
        var noStats = new Sequential(new BatchNorm1d(2, trackRunningStats: false));
        Assert.Equal(["0.weight", "0.bias"], noStats.StateDict().Keys);
        var withCount = noStats.StateDict();
        withCount["0.num_batches_tracked"] = Tensor.Scalar(0);
        Assert.Contains("unexpected key(s) '0.num_batches_tracked'", Assert.Throws<ArgumentException>(() => noStats.LoadStateDict(withCount)).Message);
    }

    [Fact]
    public void ATiedParameterAppearsUnderEachNameAndLoadsFromThem()
    {
        var w = Tensor.From(DType.Float32, [1, 2, 3, 4], 2, 2);
        var model = new Sequential(Linear.FromWeights(w), Linear.FromWeights(w));
        var sd = model.StateDict();
        Assert.Equal(["0.weight", "1.weight"], sd.Keys);
        sd["0.weight"].Fill(5);
        sd["1.weight"].Fill(5);
        model.LoadStateDict(sd);
        Assert.All(((Linear)model[1]).Weight.ToFloatArray(), v => Assert.Equal(5f, v));
    }
}
