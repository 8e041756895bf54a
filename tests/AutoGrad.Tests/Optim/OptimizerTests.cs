using AutoGrad.Optim;
using AutoGrad.Tests.Support;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

/// <summary>What every optimizer shares: validation, skipping missing gradients, state save/restore, allocation.</summary>
public class OptimizerTests
{
    public static TheoryData<string> Kinds => new(Optimizer.Kinds);

    private static Optimizer Make(string kind, IEnumerable<Tensor> ps, double lr = 0.01) => kind switch
    {
        "sgd" => new Sgd(ps, lr),
        "momentum" => new Momentum(ps, lr),
        "nesterov" => new Nesterov(ps, lr),
        "adagrad" => new Adagrad(ps, lr),
        "rmsprop" => new RmsProp(ps, lr),
        "adam" => new Adam(ps, lr),
        "adamw" => new AdamW(ps, lr),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void NonPositiveLearningRateIsRefusedNamingTheArgumentAndValue(string kind)
    {
        var p = NewParameter(DType.Float32);
        foreach (var lr in new[] { 0.0, -0.1, double.NaN })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Make(kind, [p], lr));
            Assert.Equal("learningRate", e.ParamName);
            Assert.Contains(lr.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }
        var opt = Make(kind, [p]);
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = 0);
        Assert.Equal(0.01, opt.LearningRate);
    }

    [Fact]
    public void HyperparametersOutOfRangeAreRefused()
    {
        var p = NewParameter(DType.Float32);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0.1, gamma: -0.5)).ParamName);
        Assert.Contains("-0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Nesterov([p], 0.1, gamma: -0.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0.1, gamma: 1.0));
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta2: -0.1)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], beta2: 1.5)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], epsilon: 0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad([p], epsilon: -1e-8)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp([p], epsilon: 0)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp([p], alpha: 1)).ParamName);
        Assert.Equal("decoupledWeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], decoupledWeightDecay: -0.1)).ParamName);
    }

    [Fact]
    public void BadParameterListsAreRefused()
    {
        var p = NewParameter(DType.Float32);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Tensor>())).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new Sgd([p, p])).Message);
        var nonLeaf = p * 2;
        Assert.Contains("not a leaf", Assert.Throws<ArgumentException>(() => new Sgd([nonLeaf])).Message);
    }

    private sealed class SharedWeights : AutoGrad.NN.Module
    {
        public Tensor W { get; }

        public SharedWeights()
        {
            W = RegisterParameter("encoder", Tensor.Ones(2));
            RegisterParameter("decoder", W);
        }

        public override Tensor Forward(Tensor input) => input * W * W;
    }

    [Fact]
    public void ATensorSharedByTwoLayersIsUpdatedOnce()
    {
        var model = new SharedWeights();
        var sgd = new Sgd(model, 0.1);
        Assert.Single(sgd.Parameters);
        model.W.Grad = Tensor.Ones(2);
        sgd.Step();
        Assert.Equal([0.9f, 0.9f], model.W.ToFloatArray());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ParametersWithoutGradientAreLeftAlone(string kind)
    {
        var a = NewParameter(DType.Float32);
        var b = NewParameter(DType.Float32);
        var opt = Make(kind, [a, b]);
        Backward(a);
        var before = b.ToFloatArray();
        var stateBefore = opt.State();
        opt.Step();
        opt.Step();
        Assert.Equal(before, b.ToFloatArray());
        Assert.NotEqual(W0.Select(x => (float)x), a.ToFloatArray());
        var stateAfter = opt.State();
        foreach (var (name, t) in stateAfter.Tensors.Where(kv => kv.Key.StartsWith("1.", StringComparison.Ordinal)))
            Assert.Equal(stateBefore.Tensors[name].ToDoubleArray(), t.ToDoubleArray());
    }

    [Fact]
    public void ZeroGradKeepsTheBuffers()
    {
        var p = NewParameter(DType.Float32);
        var opt = new Sgd([p]);
        Backward(p);
        var g = p.Grad;
        opt.ZeroGrad();
        Assert.Same(g, p.Grad);
        Assert.All(p.Grad!.ToFloatArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StepsAllocateNothingInSteadyState(string kind)
    {
        var model = new TinyMlp(8, 16, 3, new Generator(3));
        var opt = Optimizer.Create(kind, model, 0.01, decoupledWeightDecay: 0.01);
        foreach (var p in model.Parameters()) p.Grad = Tensor.OnesLike(p);
        for (int i = 0; i < 5; i++) opt.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            opt.Step();
            opt.ZeroGrad();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StateRoundTripResumesIdentically(string kind)
    {
        var p1 = NewParameter(DType.Float32);
        var o1 = Make(kind, [p1]);
        for (int i = 0; i < 3; i++) { Backward(p1); o1.Step(); }
        var saved = o1.State();
        var w = p1.ToFloatArray();

        var p2 = Tensor.FromArray(w, 2, 2).RequireGrad();
        var o2 = Make(kind, [p2], lr: 0.5);
        o2.LoadState(saved);
        Assert.Equal(0.01, o2.LearningRate);
        Assert.Equal(3, o2.StepCount);
        for (int i = 0; i < 3; i++)
        {
            Backward(p1); o1.Step();
            Backward(p2); o2.Step();
        }
        Assert.Equal(p1.ToFloatArray(), p2.ToFloatArray());
    }

    [Fact]
    public void StateIsASnapshotNotALiveView()
    {
        var p = NewParameter(DType.Float64);
        var opt = new Momentum([p], 0.1);
        Backward(p);
        opt.Step();
        var s = opt.State();
        var v = s.Tensors["0.velocity"].ToDoubleArray();
        Backward(p);
        opt.Step();
        Assert.Equal(v, s.Tensors["0.velocity"].ToDoubleArray());
        Assert.Equal(["lr", "decoupled_weight_decay", "l2_weight_decay", "gamma", "groups", "group0.size", "group0.lr_scale"], s.Hyperparameters.Keys);
    }

    [Fact]
    public void LoadStateRefusesMismatchesAndChangesNothing()
    {
        var p = NewParameter(DType.Float64);
        var adam = new Adam([p], 0.01);
        Backward(p);
        adam.Step();
        var before = adam.State();

        void Refused(OptimizerState s, string fragment)
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => adam.LoadState(s));
            Assert.Contains(fragment, e.Message);
            var after = adam.State();
            Assert.Equal(before.Step, after.Step);
            Assert.Equal(before.Hyperparameters, after.Hyperparameters);
            foreach (var (k, t) in before.Tensors) Assert.Equal(t.ToDoubleArray(), after.Tensors[k].ToDoubleArray());
        }

        var q = NewParameter(DType.Float64);
        var other = new Adam([q], 0.5, beta1: 0.5);
        for (int i = 0; i < 4; i++) { Backward(q); other.Step(); }
        var good = other.State();

        Refused(new Momentum([q]).State(), "'momentum' optimizer, not 'adam'");
        Refused(new Adam([q, NewParameter(DType.Float64)]).State(), "2 parameters");
        Refused(new Adam([Tensor.Zeros(DType.Float64, 4).RequireGrad()]).State(), "[4]");
        Refused(new Adam([NewParameter(DType.Float32)]).State(), "float32");
        Refused(With(good, tensors: good.Tensors.Where(kv => kv.Key != "0.exp_avg_sq")), "no tensor '0.exp_avg_sq'");
        Refused(With(good, tensors: good.Tensors.Append(new("0.extra", Tensor.Zeros(1)))), "unexpected tensor '0.extra'");
        Refused(With(good, hyper: good.Hyperparameters.Where(kv => kv.Key != "beta2")), "'beta2'");
        Refused(With(good, hyper: good.Hyperparameters.Select(kv => kv.Key == "beta1" ? new KeyValuePair<string, double>("beta1", 1.0) : kv)), "beta1");
        Refused(With(good, hyper: good.Hyperparameters.Select(kv => kv.Key == "lr" ? new KeyValuePair<string, double>("lr", -1) : kv)), "lr");

        adam.LoadState(good);
        Assert.Equal(0.5, adam.Beta1);
        Assert.Equal(4, adam.StepCount);
    }

    private static OptimizerState With(OptimizerState s, IEnumerable<KeyValuePair<string, double>>? hyper = null, IEnumerable<KeyValuePair<string, Tensor>>? tensors = null) =>
        new(s.Kind, s.Step, s.ParameterCount, hyper ?? s.Hyperparameters, tensors ?? s.Tensors);

    [Fact]
    public void CreateKnowsEveryKindAndRefusesOthers()
    {
        var model = new TinyLinearModel(2, 2, new Generator(0));
        foreach (var k in Optimizer.Kinds) Assert.Equal(k, Optimizer.Create(k, model, 0.1).Kind);
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Create("lbfgs", model, 0.1));
        Assert.Contains("lbfgs", e.Message);
        Assert.Contains("rmsprop", e.Message);
    }

    [Fact]
    public void StepBumpsTheVersionSoARetainedGraphNoticesTheChange()
    {
        var p = NewParameter(DType.Float64);
        var loss = (p * p).Sum();
        loss.Backward(retainGraph: true);
        new Sgd([p], 0.1).Step();
        Assert.ThrowsAny<InvalidOperationException>(() => loss.Backward());
    }

    [Fact]
    public void TrainingAModelReducesItsLoss()
    {
        var gen = new Generator(5);
        var x = Tensor.Randn(gen, 64, 4);
        var labels = Enumerable.Range(0, 64).Select(i => x[i, 0] + x[i, 1] > 0 ? 1 : 0).ToArray();
        foreach (var kind in Optimizer.Kinds)
        {
            var model = new TinyMlp(4, 8, 2, new Generator(6));
            var opt = Optimizer.Create(kind, model, kind is "sgd" ? 0.5 : 0.05);
            double first = 0, last = 0;
            for (int i = 0; i < 60; i++)
            {
                opt.ZeroGrad();
                var loss = TinyMlp.CrossEntropy(model.Forward(x), labels);
                if (i == 0) first = loss.Item();
                last = loss.Item();
                loss.Backward();
                opt.Step();
            }
            Assert.True(last < 0.5 * first, $"{kind}: loss {first} -> {last}");
        }
    }
}
