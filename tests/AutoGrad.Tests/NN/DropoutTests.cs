using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class DropoutTests
{
    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    // ---- the worked example of note 004 (L249-302) ----

    private static readonly double[,] W1 = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
    private static readonly double[,] W2 = { { 1, 2, 3 }, { 4, 5, 6 } };
    private static readonly Tensor X = V(0, 1, 2);

    /// <summary>
    /// The note's network, h = W1 x and ŷ = W2 h with identity units and no biases, with dropout
    /// on the inputs and on the hidden units (the output is never dropped). Linear holds W [in, out],
    /// so it gets the transposes of the note's matrices.
    /// </summary>
    private static (Sequential Net, Dropout Input, Dropout Hidden) WorkedExample(DropoutMode mode, double p = 0.5)
    {
        var input = new Dropout(p, new Generator(1), mode);
        var hidden = new Dropout(p, new Generator(2), mode);
        var net = new Sequential(
            input,
            Linear.FromWeights(Tensor.FromArray(W1).T),
            new Identity(),
            hidden,
            Linear.FromWeights(Tensor.FromArray(W2).T));
        return (net, input, hidden);
    }

    [Fact]
    public void WorkedExampleWithEveryUnitKept()
    {
        var (net, input, hidden) = WorkedExample(DropoutMode.ScaleAtTest);
        input.FixedMask = V(1, 1, 1);
        hidden.FixedMask = V(1, 1, 1);
        Assert.Equal([120.0, 273], net.Forward(X).ToDoubleArray());
    }

    [Fact]
    public void WorkedExampleDroppingTheSecondInputAndSecondHiddenUnit()
    {
        var (net, input, hidden) = WorkedExample(DropoutMode.ScaleAtTest);
        input.FixedMask = V(1, 0, 1);
        hidden.FixedMask = V(1, 0, 1);
        Assert.Equal([60.0, 132], net.Forward(X).ToDoubleArray());
    }

    [Fact]
    public void WorkedExampleUpdatesOnlyTheRetainedUnitsWeights()
    {
        // "During back-propagation, we will update the weights of only those neurons that were not
        // removed": in the note's layout column 2 and row 2 of W1 and column 2 of W2 get no gradient.
        var (net, input, hidden) = WorkedExample(DropoutMode.ScaleAtTest);
        input.FixedMask = V(1, 0, 1);
        hidden.FixedMask = V(1, 0, 1);
        net.Forward(X).Sum().Backward();
        var g1 = ((Linear)net[1]).Weight.Grad!; // [in, hidden] = note's W1ᵀ
        var g2 = ((Linear)net[4]).Weight.Grad!; // [hidden, out] = note's W2ᵀ
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(0, g1[1, k]); // input 2 dropped: note's column 2 of W1
            Assert.Equal(0, g1[k, 1]); // hidden 2 dropped: note's row 2 of W1
        }
        Assert.Equal([0.0, 0], new[] { g2[1, 0], g2[1, 1] }); // note's column 2 of W2
        // Retained paths do learn: input 3 (value 2) into hidden 1 and 3, and hidden 1 and 3 into the outputs.
        Assert.Equal(2 * (1 + 4), g1[2, 0]);
        Assert.Equal(2 * (3 + 6), g1[2, 2]);
        Assert.Equal(6, g2[0, 0]);
        Assert.Equal(18, g2[2, 1]);
    }

    [Fact]
    public void OnlyDroppingTheSecondInputAndSecondHiddenUnitGivesTheNotesNumbers()
    {
        // Brute force over all 2³ × 2³ masks: [60, 132] needs input 2 and hidden 2 dropped, and
        // input 1 (whose value is 0) may go either way.
        var (net, input, hidden) = WorkedExample(DropoutMode.ScaleAtTest);
        var hits = new List<(int, int)>();
        for (int mi = 0; mi < 8; mi++)
            for (int mh = 0; mh < 8; mh++)
            {
                input.FixedMask = V(mi & 1, (mi >> 1) & 1, (mi >> 2) & 1);
                hidden.FixedMask = V(mh & 1, (mh >> 1) & 1, (mh >> 2) & 1);
                if (net.Forward(X).ToDoubleArray().SequenceEqual([60.0, 132])) hits.Add((mi, mh));
            }
        Assert.Equal([(0b100, 0b101), (0b101, 0b101)], hits);
    }

    [Fact]
    public void WorkedExampleAtTestTimeInBothForms()
    {
        // The notes' form scales by the keep probability at each dropped layer: (½)²·[120, 273].
        var (notes, _, _) = WorkedExample(DropoutMode.ScaleAtTest, p: 0.5);
        notes.Eval();
        Assert.Equal([30.0, 68.25], notes.Forward(X).ToDoubleArray());
        // Inverted dropout scales while training instead, and is the identity at test time.
        var (inverted, input, hidden) = WorkedExample(DropoutMode.Inverted, p: 0.5);
        input.FixedMask = V(1, 0, 1);
        hidden.FixedMask = V(1, 0, 1);
        Assert.Equal([240.0, 528], inverted.Forward(X).ToDoubleArray());
        inverted.Eval();
        Assert.Equal([120.0, 273], inverted.Forward(X).ToDoubleArray());
    }

    // ---- training and evaluation behaviour ----

    [Fact]
    public void InvertedDropoutScalesKeptUnitsWhileTraining()
    {
        var d = new Dropout(0.25, new Generator(9));
        var x = Tensor.Full(2.0, DType.Float64, 1000);
        var y = d.Forward(x).ToDoubleArray();
        var m = d.LastMask!.ToDoubleArray();
        for (int i = 0; i < y.Length; i++) Assert.Equal(m[i] == 1 ? 2 / 0.75 : 0, y[i], 12);
        Assert.Contains(0.0, m);
        Assert.Contains(1.0, m);
        d.Eval();
        Assert.Same(x, d.Forward(x));
    }

    [Fact]
    public void NotesFormDoesNotScaleWhileTrainingAndScalesAtTest()
    {
        var d = new Dropout(0.25, new Generator(9), DropoutMode.ScaleAtTest);
        var x = Tensor.Full(2.0, DType.Float64, 1000);
        var y = d.Forward(x).ToDoubleArray();
        var m = d.LastMask!.ToDoubleArray();
        for (int i = 0; i < y.Length; i++) Assert.Equal(m[i] * 2, y[i], 12);
        d.Eval();
        Assert.All(d.Forward(x).ToDoubleArray(), v => Assert.Equal(1.5, v, 12));
        Assert.Equal(0.75, d.KeepProbability);
    }

    [Fact]
    public void KeepRateIsOneMinusP()
    {
        var d = new Dropout(0.3, new Generator(11));
        d.Forward(Tensor.Ones(100_000));
        double kept = d.LastMask!.ToDoubleArray().Average();
        // Standard error √(0.21/10⁵) ≈ 0.0014; the bound is seven of them.
        Assert.InRange(kept, 0.69, 0.71);
    }

    [Fact]
    public void MasksAreReproducibleFromTheSeedAndFreshEachStep()
    {
        var a = new Dropout(0.5, new Generator(5));
        var b = new Dropout(0.5, new Generator(5));
        var x = Tensor.Ones(64);
        var first = a.Forward(x).ToFloatArray();
        Assert.Equal(first, b.Forward(x).ToFloatArray());
        Assert.NotEqual(first, a.Forward(x).ToFloatArray());
    }

    [Fact]
    public void DroppedUnitsPassNoGradient()
    {
        var d = new Dropout(0.5, new Generator(3)) { FixedMask = V(1, 0, 1, 0) };
        var x = V(1, 2, 3, 4).RequireGrad();
        d.Forward(x).Sum().Backward();
        Assert.Equal([2.0, 0, 2, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ZeroPKeepsEverything()
    {
        var d = new Dropout(0, new Generator(3));
        Assert.Equal([1.0, 2, 3], d.Forward(V(1, 2, 3)).ToDoubleArray());
        var s = new Dropout(0, new Generator(3), DropoutMode.ScaleAtTest);
        s.Eval();
        Assert.Equal([1.0, 2, 3], s.Forward(V(1, 2, 3)).ToDoubleArray());
    }

    [Fact]
    public void AFeatureMaskBroadcastsOverTheBatchAndFollowsTheInputsDType()
    {
        var d = new Dropout(0.5, new Generator(1), DropoutMode.ScaleAtTest) { FixedMask = Tensor.FromArray(new float[] { 0, 1 }) };
        var y = d.Forward(Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }));
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal([0.0, 2, 0, 4], y.ToDoubleArray());
    }

    // ---- both forms have the same expected output ----

    /// <summary>A hidden layer h, dropout on it, then a Linear; returns the net and the dropout.</summary>
    private static (Sequential Net, Dropout Drop) HiddenThenLinear(DropoutMode mode, double p)
    {
        var gen = new Generator(21);
        var drop = new Dropout(p, gen.Fork(), mode);
        var net = new Sequential(drop, new Linear(4, 3, gen, dtype: DType.Float64));
        return (net, drop);
    }

    [Theory]
    [InlineData(DropoutMode.Inverted, 0.5)]
    [InlineData(DropoutMode.ScaleAtTest, 0.5)]
    [InlineData(DropoutMode.Inverted, 0.2)]
    [InlineData(DropoutMode.ScaleAtTest, 0.2)]
    public void ExactExpectationOverAllMasksIsTheTestTimeOutput(DropoutMode mode, double p)
    {
        // Σ over the 2⁴ thinned networks, weighted by (1 − p)^kept · p^dropped (note 000 L749-771).
        var (net, drop) = HiddenThenLinear(mode, p);
        var h = V(0.5, -1.2, 2, 0.7);
        var expectation = new double[3];
        for (int m = 0; m < 16; m++)
        {
            var mask = Enumerable.Range(0, 4).Select(i => (double)((m >> i) & 1)).ToArray();
            double weight = mask.Aggregate(1.0, (acc, k) => acc * (k == 1 ? 1 - p : p));
            drop.FixedMask = V(mask);
            var y = net.Forward(h).ToDoubleArray();
            for (int j = 0; j < 3; j++) expectation[j] += weight * y[j];
        }
        net.Eval();
        var test = net.Forward(h).ToDoubleArray();
        for (int j = 0; j < 3; j++) Assert.Equal(test[j], expectation[j], 10);
    }

    [Theory]
    [InlineData(DropoutMode.Inverted)]
    [InlineData(DropoutMode.ScaleAtTest)]
    public void SampledMasksAverageToTheTestTimeOutput(DropoutMode mode)
    {
        var (net, _) = HiddenThenLinear(mode, 0.4);
        var h = V(0.5, -1.2, 2, 0.7);
        const int n = 20_000;
        var sum = new double[3];
        var sumSq = new double[3];
        for (int s = 0; s < n; s++)
        {
            var y = net.Forward(h).ToDoubleArray();
            for (int j = 0; j < 3; j++) { sum[j] += y[j]; sumSq[j] += y[j] * y[j]; }
        }
        net.Eval();
        var test = net.Forward(h).ToDoubleArray();
        for (int j = 0; j < 3; j++)
        {
            double mean = sum[j] / n, se = Math.Sqrt((sumSq[j] / n - mean * mean) / n);
            Assert.True(Math.Abs(mean - test[j]) < 5 * se, $"output {j}: sample mean {mean}, test-time {test[j]}, standard error {se}");
        }
    }

    [Fact]
    public void ScalingAtTestEqualsScalingTheNextLayersWeights()
    {
        // Note 000: "use the original network, but scale each weight by 1 − p"; note 002: "halve the
        // outgoing weights". The module's eval rule gives the same outputs.
        var (net, _) = HiddenThenLinear(DropoutMode.ScaleAtTest, 0.5);
        net.Eval();
        var h = Tensor.Normal(new Generator(2), 0, 1, DType.Float64, 5, 4);
        var viaModule = net.Forward(h).ToDoubleArray();
        var next = (Linear)net[1];
        var bare = Linear.FromWeights(next.Weight.Detach().Clone(), next.Bias!.Detach().Clone());
        bare.ScaleWeights(0.5);
        var viaWeights = bare.Forward(h).ToDoubleArray();
        for (int i = 0; i < viaModule.Length; i++) Assert.Equal(viaModule[i], viaWeights[i], 12);
    }

    // ---- argument errors ----

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void PMustBeInZeroToOne(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p, new Generator(1)));
        Assert.Equal("p", e.ParamName);
        Assert.Contains($"Dropout: p must be in [0, 1), got {p}", e.Message);
    }

    [Fact]
    public void FixedMaskMustBeZerosAndOnesThatBroadcast()
    {
        var d = new Dropout(0.5, new Generator(1));
        var e = Assert.Throws<ArgumentException>(() => d.FixedMask = V(1, 0.5));
        Assert.Contains("element 1 is 0.5", e.Message);
        d.FixedMask = V(1, 0, 1);
        var s = Assert.Throws<ShapeException>(() => d.Forward(Tensor.Ones(2, 4)));
        Assert.Contains("[3]", s.Message);
        Assert.Contains("[2, 4]", s.Message);
        // A mask that would enlarge the input is refused too.
        d.FixedMask = Tensor.Ones(2, 3);
        Assert.Throws<ShapeException>(() => d.Forward(Tensor.Ones(3)));
    }
}
