using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.NN;

/// <summary>
/// Rnn, Lstm and Gru against PyTorch (values and gradients recorded from torch 2.x in float64 on
/// the same weights), the BPTT equations by hand, the state carried across chunks, the reverse
/// direction, and the errors.
/// </summary>
public class RecurrentLayerTests
{
    // The weights are 0.5·sin(0.37·k + 0.1) for k = 0, 1, … through the parameters in state_dict
    // order; the input is cos(0.3·i) over a [2, 3, 3] batch. Expected values from:
    //   m = torch.nn.LSTM(3, 2, num_layers=2, bidirectional=True, batch_first=True) (and GRU, RNN), float64
    //   out, state = m(x); loss = (out*out).sum() + 0.5*h_n.sum() (+ 0.25*c_n.sum() for the LSTM); loss.backward()
    private static RecurrentLayer Build(string kind)
    {
        int gates = kind switch { "lstm" => 4, "gru" => 3, _ => 1 }, k = 0;
        var shapes = new List<int[]>();
        for (int layer = 0; layer < 2; layer++)
            for (int d = 0; d < 2; d++)
                shapes.AddRange([[2 * gates, layer == 0 ? 3 : 4], [2 * gates, 2], [2 * gates], [2 * gates]]);
        var weights = shapes.Select(s =>
        {
            var values = new double[Shapes.Numel(s)];
            for (int i = 0; i < values.Length; i++, k++) values[i] = 0.5 * Math.Sin(0.37 * k + 0.1);
            return Tensor.From(DType.Float64, values, s);
        }).ToList();
        return kind switch
        {
            "lstm" => Lstm.FromWeights(weights, layers: 2, bidirectional: true),
            "gru" => Gru.FromWeights(weights, layers: 2, bidirectional: true),
            _ => Rnn.FromWeights(weights, layers: 2, bidirectional: true),
        };
    }

    private static Tensor Input() => Tensor.From(DType.Float64, [.. Enumerable.Range(0, 18).Select(i => Math.Cos(0.3 * i))], 2, 3, 3);

    public static TheoryData<string, double[], double[], double[], double, double[], double[]> PyTorch => new()
    {
        {
            "lstm",
            [-0.0229640945018, 0.0406673437575, -0.097591825868, -0.0202665485855, -0.000982264436475, 0.0617062617301, -0.0790912366904, 0.00726938443072, 0.0252895743267, 0.0491539611636, -0.0311433879783, 0.0144168451308, 0.0468731036718, 0.00268038156118, -0.0147263401714, 0.0314349659295, 0.0284871439596, -0.0112909751356, -0.00405959797379, -0.0168951845044, -0.0124799676022, -0.0215014193432, -0.0108414973376, -0.0362339144039],
            [-0.0119755198376, -0.0739858893034, 0.0332451287216, 0.0319148232362, 0.270245494998, 0.119194213078, -0.0677617486835, -0.472717001881, 0.0252895743267, 0.0491539611636, -0.0124799676022, -0.0215014193432, -0.097591825868, -0.0202665485855, -0.0147263401714, 0.0314349659295],
            [-0.0386217447036, -0.247654298252, 0.0605747487468, 0.0592463943656, 0.434013672133, 0.390591092329, -0.177815702908, -0.760044353424, 0.0530034776906, 0.100159034306, -0.0240503402158, -0.0407086815477, -0.187405495408, -0.0409606051254, -0.03045135733, 0.0750546813316],
            -0.176866292905,
            [-0.00870596470808, -0.00690009568686, 0.00627111589647, 0.00367870194343, 0.0242875290423, 0.0147978828928, 0.0135648483292, 0.00906701805087, -0.0105010577064, -0.021662113279, -0.0344751565524, -0.0379556190384, -0.00427049837079, -0.00258005051783, 0.00129136508948, 0.00109937344608],
            [0.0086636762106, 0.00584485070982, -0.00605137594494, -0.000386543852863, 0.00553533393509, 0.00287244759339]
        },
        {
            "gru",
            [0.122346137701, 0.1130634269, 0.236463180145, 0.246704813774, 0.128398510077, 0.0227225300156, 0.275459872248, 0.130927892563, 0.0695471834425, -0.0236828799525, 0.14992742049, 0.0536240900833, -0.047767895324, -0.0959145174145, 0.215308428868, 0.0173312632227, -0.0709497515779, -0.0539351427833, 0.0945080922421, 0.0688502277372, -0.0327633247883, 0.0720341431879, 0.0434219549721, 0.0991405588589],
            [0.248104213795, 0.191588876943, 0.458340025277, 0.205280158436, 0.560762713356, -0.000246848248233, -0.486814079454, -0.758577089708, 0.0695471834425, -0.0236828799525, -0.0327633247883, 0.0720341431879, 0.236463180145, 0.246704813774, 0.215308428868, 0.0173312632227],
            [],
            0.992725743531,
            [0.00581749739367, 0.00279384101283, -0.00957577477879, -0.00167327323859, 0.0607256214256, 0.0058748811648, 0.00437922264166, -0.0029804853873, 0.072093214125, 0.0270352317493, 0.0945994677643, 0.0394108647374],
            [0.000397433203735, -0.0021516681568, -0.00484583326445, 0.00695793668309, -0.00327178179102, -0.00684633998099]
        },
        {
            "rnn",
            [0.568349527303, 0.0511909560079, 0.902825844327, 0.879660985063, 0.876943287677, 0.490017296281, 0.947508865675, 0.92017959348, 0.952262136568, 0.759630619314, 0.894476560023, 0.740532792493, 0.836884688905, 0.316952888859, 0.959664891753, 0.950262987425, 0.933003603158, 0.726586460855, 0.94952122561, 0.935218147347, 0.941951874376, 0.822045195511, 0.836048142374, 0.714395774782],
            [-0.906287293822, -0.918589528967, -0.83350140834, -0.605042460275, -0.765262872705, 0.0676898860547, 0.697916367783, -0.69051123382, 0.952262136568, 0.759630619314, 0.941951874376, 0.822045195511, 0.902825844327, 0.879660985063, 0.959664891753, 0.950262987425],
            [],
            17.6796748232,
            [0.305078945004, -0.017429019838, 0.271068237426, -0.0243870161497],
            [-1.41180216496, -1.0189229454, 0.0413565644729, -0.561468633551, -2.14190360582, -1.63475620801]
        },
    };

    [Theory]
    [MemberData(nameof(PyTorch))]
    public void ValuesAndGradientsMatchPyTorch(string kind, double[] output, double[] h, double[] c, double loss, double[] gradWhhL0, double[] gradWihL1Reverse)
    {
        var net = Build(kind);
        var (y, state) = net.Forward(Input(), null);
        Assert.Equal([2, 3, 4], y.Shape.ToArray());
        Assert.Equal([4, 2, 2], state.H.Shape.ToArray());
        AssertClose(output, y.ToDoubleArray());
        AssertClose(h, state.H.ToDoubleArray());
        if (c.Length > 0) AssertClose(c, state.C!.ToDoubleArray()); else Assert.Null(state.C);
        var l = (y * y).Sum() + state.H.Sum() * 0.5;
        if (state.C is not null) l += state.C.Sum() * 0.25;
        Assert.Equal(loss, l.Item(), 1e-10);
        l.Backward();
        var p = net.NamedParameters().ToDictionary(n => n.Name, n => n.Parameter);
        AssertClose(gradWhhL0, p["weight_hh_l0"].Grad!.ToDoubleArray());
        AssertClose(gradWihL1Reverse, p["weight_ih_l1_reverse"].Grad!.ToDoubleArray()[..6]);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-10, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void ParameterNamesAndShapesAreTorchs()
    {
        var lstm = new Lstm(5, 3, new Generator(1), layers: 2, bidirectional: true);
        string[] names = [.. from l in new[] { "_l0", "_l0_reverse", "_l1", "_l1_reverse" } from n in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" } select n + l];
        Assert.Equal(names, lstm.NamedParameters().Select(p => p.Name));
        Assert.Equal([12, 5], lstm.NamedParameters().First().Parameter.Shape.ToArray());
        Assert.Equal([12, 6], lstm.NamedParameters().First(p => p.Name == "weight_ih_l1").Parameter.Shape.ToArray());
        Assert.Equal(["weight_ih_l0", "weight_hh_l0"], new Gru(2, 4, new Generator(1), bias: false).NamedParameters().Select(p => p.Name));
        Assert.Equal([9, 2], new Gru(2, 3, new Generator(1)).NamedParameters().First().Parameter.Shape.ToArray());
        // PyTorch's initialization: every weight and bias in U(−1/√H, 1/√H).
        double k = 1 / Math.Sqrt(3);
        Assert.All(lstm.Parameters().SelectMany(p => p.ToDoubleArray()), v => Assert.InRange(v, -k, k));
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], new LstmCell(2, 3, new Generator(1)).NamedParameters().Select(p => p.Name));
    }

    /// <summary>
    /// The BPTT equations on a tiny tanh RNN, by hand: δ_t = (∂L/∂h_t + W_hhᵀ·δ_{t+1}) ⊙ (1 − h_t²),
    /// ∂L/∂W_hh = Σ_t δ_t·h_{t−1}ᵀ, ∂L/∂W_ih = Σ_t δ_t·x_tᵀ. The tape's gradient of the shared
    /// weight equals the sum of the per-step contributions, each of which is nonzero.
    /// </summary>
    [Fact]
    public void RecurrentWeightGradientIsTheSumOfItsPerStepContributions()
    {
        const int T = 4, H = 2, I = 1;
        double[,] wIh = { { 0.7 }, { -0.4 } }, wHh = { { 0.5, -0.3 }, { 0.8, 0.2 } };
        double[] b = [0.1, -0.2], x = [1.0, -0.5, 0.3, 0.9], v = [0.6, -1.1]; // L = Σ_t v·h_t
        var h = new double[T + 1, H]; // h[0] = 0, h[t + 1] = step t
        for (int t = 0; t < T; t++)
            for (int i = 0; i < H; i++)
            {
                double a = wIh[i, 0] * x[t] + b[i];
                for (int j = 0; j < H; j++) a += wHh[i, j] * h[t, j];
                h[t + 1, i] = Math.Tanh(a);
            }
        var delta = new double[T, H];
        for (int t = T - 1; t >= 0; t--)
            for (int i = 0; i < H; i++)
            {
                double g = v[i];
                if (t + 1 < T) for (int k = 0; k < H; k++) g += wHh[k, i] * delta[t + 1, k];
                delta[t, i] = g * (1 - h[t + 1, i] * h[t + 1, i]);
            }
        var perStep = new double[T][];
        for (int t = 0; t < T; t++)
            perStep[t] = [.. from i in Enumerable.Range(0, H) from j in Enumerable.Range(0, H) select delta[t, i] * h[t, j]];
        var handSum = Enumerable.Range(0, H * H).Select(e => perStep.Sum(s => s[e])).ToArray();

        var net = Rnn.FromWeights([
            Tensor.From(DType.Float64, [wIh[0, 0], wIh[1, 0]], H, I), Tensor.From(DType.Float64, [wHh[0, 0], wHh[0, 1], wHh[1, 0], wHh[1, 1]], H, H),
            Tensor.From(DType.Float64, b, H), Tensor.Zeros(DType.Float64, H)]);
        var y = net.Forward(Tensor.From(DType.Float64, x, 1, T, I));
        (y * Tensor.From(DType.Float64, v, H)).Sum().Backward();
        var p = net.NamedParameters().ToDictionary(n => n.Name, n => n.Parameter);
        AssertClose(handSum, p["weight_hh_l0"].Grad!.ToDoubleArray());
        AssertClose([Enumerable.Range(0, T).Sum(t => delta[t, 0] * x[t]), Enumerable.Range(0, T).Sum(t => delta[t, 1] * x[t])], p["weight_ih_l0"].Grad!.ToDoubleArray());
        // Step 0 sees h_{−1} = 0, so it adds nothing to W_hh; every later step does.
        Assert.All(perStep[0], c => Assert.Equal(0, c));
        for (int t = 1; t < T; t++) Assert.Contains(perStep[t], c => Math.Abs(c) > 1e-3);
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void CarryingTheStateAcrossChunksEqualsOnePass(string kind)
    {
        var net = Build(kind);
        var x = Input();
        var (whole, wholeState) = net.Forward(x, null);
        // Unidirectional only: a reverse direction needs the whole sequence. Use layer 0 forward as a one-layer net.
        var one = kind switch
        {
            "lstm" => (RecurrentLayer)new Lstm(3, 4, new Generator(5), layers: 2, dtype: DType.Float64),
            "gru" => new Gru(3, 4, new Generator(5), layers: 2, dtype: DType.Float64),
            _ => new Rnn(3, 4, new Generator(5), layers: 2, dtype: DType.Float64),
        };
        var (full, fullState) = one.Forward(x, null);
        var (first, mid) = one.Forward(x.Slice(1, 0, 2), null);
        var (second, end) = one.Forward(x.Slice(1, 2, 1), mid.Detach());
        AssertClose(full.ToDoubleArray(), Tensor.Concat([first, second], 1).ToDoubleArray());
        AssertClose(fullState.H.ToDoubleArray(), end.H.ToDoubleArray());
        if (kind == "lstm") AssertClose(fullState.C!.ToDoubleArray(), end.C!.ToDoubleArray());
        Assert.False(mid.Detach().H.RequiresGrad);
        Assert.Equal([2, 3, 4], whole.Shape.ToArray());
        Assert.Equal([4, 2, 2], wholeState.H.Shape.ToArray());
    }

    [Fact]
    public void TheReverseDirectionReadsTheSequenceBackwards()
    {
        var g = new Generator(3);
        var bi = new Gru(3, 2, g, bidirectional: true, dtype: DType.Float64);
        var p = bi.Parameters().ToArray();
        var backward = Gru.FromWeights([p[4].Detach(), p[5].Detach(), p[6].Detach(), p[7].Detach()]);
        var x = Input();
        var reversed = Tensor.Concat([x.Slice(1, 2, 1), x.Slice(1, 1, 1), x.Slice(1, 0, 1)], 1);
        var y = bi.Forward(x);
        var r = backward.Forward(reversed);
        for (int t = 0; t < 3; t++)
            AssertClose(r.Select(1, 2 - t).ToDoubleArray(), y.Select(1, t).Slice(1, 2, 2).ToDoubleArray());
    }

    [Fact]
    public void ASequenceOfOneStepIsOneCellStep()
    {
        var lstm = new Lstm(3, 2, new Generator(8), dtype: DType.Float64);
        var p = lstm.Parameters().ToArray();
        var cell = LstmCell.FromWeights(p[0].Detach(), p[1].Detach(), p[2].Detach(), p[3].Detach());
        var x = Input().Slice(1, 0, 1);
        var h0 = Tensor.From(DType.Float64, [0.1, -0.2, 0.3, 0.4], 1, 2, 2);
        var c0 = Tensor.From(DType.Float64, [0.5, 0.0, -0.5, 0.2], 1, 2, 2);
        var (y, state) = lstm.Forward(x, new RecurrentState(h0, c0));
        var (h, c) = cell.Forward(x.Select(1, 0), (h0.Select(0, 0), c0.Select(0, 0)));
        Assert.Equal(h.ToDoubleArray(), y.Select(1, 0).ToDoubleArray());
        Assert.Equal(c.ToDoubleArray(), state.C!.Select(0, 0).ToDoubleArray());
    }

    [Fact]
    public void DropoutActsBetweenLayersInTrainingOnly()
    {
        var net = new Lstm(3, 4, new Generator(2), layers: 2, dropout: 0.5);
        var x = Tensor.Normal(new Generator(1), 0, 1, DType.Float32, 2, 5, 3);
        Assert.NotEqual(net.Forward(x).ToFloatArray(), net.Forward(x).ToFloatArray());
        net.Eval();
        Assert.Equal(net.Forward(x).ToFloatArray(), net.Forward(x).ToFloatArray());
        Assert.Empty(new Lstm(3, 4, new Generator(2), layers: 1, dropout: 0.5).NamedChildren());
    }

    [Fact]
    public void BadInputsAreRefusedWithTheModuleAndTheShapes()
    {
        var lstm = new Lstm(3, 4, new Generator(1), layers: 2);
        Assert.Equal("Lstm: the input has shape [2, 3], which does not fit 3 input features per step (weight_ih_l0 [16, 3]): rank 2 vs 3; the input must have shape [batch, time, 3] (batch first)",
            Assert.Throws<ShapeException>(() => lstm.Forward(Tensor.Zeros(2, 3))).Message);
        var features = Assert.Throws<ShapeException>(() => lstm.Forward(Tensor.Zeros(2, 5, 4))).Message;
        Assert.StartsWith("Lstm: the input has shape [2, 5, 4], which does not fit 3 input features per step (weight_ih_l0 [16, 3]) at dimension 2 of the input and 1 of weight_ih_l0", features);
        Assert.EndsWith("the input must have shape [batch, time, 3] (batch first)", features);
        Assert.StartsWith("Lstm: the input has shape [2, 0, 3], an empty sequence",
            Assert.Throws<ShapeException>(() => lstm.Forward(Tensor.Zeros(2, 0, 3))).Message);
        Assert.Equal("Lstm: the initial state H has shape [1, 2, 4], which does not fit 2 layer(s) × 1 direction(s), a batch of 2 and 4 hidden units at dimension 0: 1 vs 2; the initial state H must have shape [2, 2, 4] ([layers·directions, batch, hidden])",
            Assert.Throws<ShapeException>(() => lstm.Forward(Tensor.Zeros(2, 5, 3), new RecurrentState(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 4)))).Message);
        Assert.StartsWith("Lstm: the initial state has no cell state C",
            Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(2, 5, 3), new RecurrentState(Tensor.Zeros(2, 2, 4)))).Message);
        Assert.StartsWith("Gru: the initial state has a cell state C [1, 2, 4]; only an LSTM has one",
            Assert.Throws<ArgumentException>(() => new Gru(3, 4, new Generator(1)).Forward(Tensor.Zeros(2, 5, 3), new RecurrentState(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 4)))).Message);
        Assert.StartsWith("Rnn: dtype mismatch: float64 [2, 5, 3]",
            Assert.Throws<ArgumentException>(() => new Rnn(3, 4, new Generator(1)).Forward(Tensor.Zeros(DType.Float64, 2, 5, 3))).Message);
        Assert.StartsWith("Lstm: hiddenSize must be > 0, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(3, 0, new Generator(1))).Message);
        Assert.StartsWith("Gru: dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new Gru(3, 2, new Generator(1), dropout: 1)).Message);
        Assert.StartsWith("Lstm.FromWeights: 1 layer(s) × 1 direction(s) × 4 tensors", Assert.Throws<ArgumentException>(() => Lstm.FromWeights([Tensor.Zeros(8, 3), Tensor.Zeros(8, 2)])).Message);
        Assert.StartsWith("Lstm: weight_hh_l0 has shape [6, 2], which does not fit 4 gate block(s) of H = 2 rows",
            Assert.Throws<ShapeException>(() => Lstm.FromWeights([Tensor.Zeros(6, 3), Tensor.Zeros(6, 2)], bias: false)).Message);
    }

    /// <summary>
    /// A stateful language-model step (embedding, two LSTM layers, a read-out at every step, the
    /// state carried in from the previous batch and detached) captured once and replayed: no
    /// allocation, and it trains; the final state of one replay is copied in as the next one's initial state.
    /// </summary>
    [Fact]
    public void ACapturedStatefulLstmStepReplaysWithoutAllocating()
    {
        const int B = 4, T = 6, V = 7, H = 8;
        var rng = new Generator(11);
        var emb = new Embedding(V, 5, rng);
        var lstm = new Lstm(5, H, rng, layers: 2);
        var head = new Linear(H, V, rng);
        var parameters = new Sequential(emb, lstm, head);
        var opt = new Momentum(parameters, learningRate: 0.1);
        var tokens = Enumerable.Range(0, B * T).Select(i => (i * 3) % V).ToArray();
        var targets = Enumerable.Range(0, B * T).Select(i => (i * 3 + 3) % V).ToArray();
        var h = Tensor.Zeros(2, B, H);
        var c = Tensor.Zeros(2, B, H);
        Tensor? hOut = null, cOut = null;
        Tensor Step()
        {
            opt.ZeroGrad();
            var (y, state) = lstm.Forward(emb.Forward(tokens, B, T), new RecurrentState(h, c));
            (hOut, cOut) = (state.H.Detach(), state.C!.Detach());
            var loss = Loss.SoftmaxCrossEntropy(head.Forward(y).Reshape([B * T, V]), targets);
            loss.Backward();
            opt.Step();
            return loss;
        }
        var plan = StepPlan.Capture(Step, tokens, targets);
        double first = plan.Run().Item();
        for (int i = 0; i < 3; i++) { plan.Run(); h.CopyFrom(hOut!); c.CopyFrom(cOut!); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) { plan.Run(); h.CopyFrom(hOut!); c.CopyFrom(cOut!); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(plan.Run().Item() < first, "replayed steps train the network");
        Assert.NotEqual(0f, h.ToFloatArray().Max(Math.Abs));
    }
}
