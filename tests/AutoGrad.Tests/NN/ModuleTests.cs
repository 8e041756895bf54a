using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>Module buffers: registered explicitly, never trained, listed with dotted names next to the parameters, and refused when they would be.</summary>
public class ModuleTests
{
    private sealed class Counter : Module
    {
        public readonly Tensor Count;
        public readonly Tensor Scale;

        public Counter()
        {
            Scale = RegisterParameter("scale", Tensor.Ones(2));
            Count = RegisterBuffer("count", Tensor.Zeros(1));
        }

        public void Register(string name, Tensor t) => RegisterBuffer(name, t);

        public override Tensor Forward(Tensor input) => input * Scale;
    }

    private sealed class Pair : Module
    {
        public Pair()
        {
            RegisterModule("a", new Counter());
            RegisterModule("b", new Counter());
        }

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void BuffersAreListedApartFromParameters()
    {
        var m = new Counter();
        Assert.Equal([("count", m.Count)], m.NamedBuffers());
        Assert.Equal([m.Scale], m.Parameters());
        Assert.False(m.Count.RequiresGrad);
        Assert.Equal("count", m.Count.Name);
        Assert.Equal(2, m.ParameterCount());
        Assert.Equal(["a.count", "b.count"], new Pair().NamedBuffers().Select(b => b.Name));
        Assert.Equal(2, new Pair().Buffers().Count());
    }

    [Fact]
    public void ABufferThatRequiresGradOrReusesANameIsRefused()
    {
        var m = new Counter();
        Assert.StartsWith("Counter: buffer 'w' requires grad", Assert.Throws<ArgumentException>(() => m.Register("w", Tensor.Zeros(1).RequireGrad())).Message);
        Assert.StartsWith("Counter: the name 'scale' is already registered", Assert.Throws<ArgumentException>(() => m.Register("scale", Tensor.Zeros(1))).Message);
        Assert.StartsWith("Counter: the name 'count' is already registered", Assert.Throws<ArgumentException>(() => m.Register("count", Tensor.Zeros(1))).Message);
    }
}

/// <summary>Tied parameters are one parameter: listed, counted, penalized and optimized once, under the first name.</summary>
public class TiedParameterTests
{
    /// <summary>y = W·(W·x): one weight used by two layers.</summary>
    private static (Sequential Model, Tensor W) Tied()
    {
        var w = Tensor.From(DType.Float32, [1, -2, 3, 0.5], 2, 2);
        var model = new Sequential(Linear.FromWeights(w), new Tanh(), Linear.FromWeights(w, Tensor.Zeros(2)));
        return (model, ((Linear)model[0]).Weight);
    }

    [Fact]
    public void ATiedParameterIsListedAndCountedOnceUnderItsFirstName()
    {
        var (model, w) = Tied();
        Assert.Same(w, ((Linear)model[2]).Weight);
        Assert.Equal(["0.weight", "2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(2, model.Parameters().Count());
        Assert.Equal(4 + 2, model.ParameterCount());
        Assert.Equal([w], model.Weights());
    }

    [Fact]
    public void L1AndL2PenalizeATiedWeightOnce()
    {
        var (model, w) = Tied();
        double sumSquares = w.ToDoubleArray().Sum(v => v * v), sumAbs = w.ToDoubleArray().Sum(Math.Abs);
        Assert.Equal(0.5 * 0.1 * sumSquares, Regularization.L2Penalty(model, 0.1).Item(), 6);
        Assert.Equal(0.1 * sumAbs, Regularization.L1Penalty(model, 0.1).Item(), 6);
        Assert.Equal(0.1 * sumAbs, Regularization.L1Penalty([w, w], 0.1).Item(), 6);
        var l2 = Regularization.L2Penalty(model, 1.0);
        l2.Backward();
        Assert.Equal(w.ToDoubleArray(), w.Grad!.ToDoubleArray()); // dλ/2Σw²/dw = λw, not 2λw
    }

    [Fact]
    public void TheTiedWeightsGradientSumsBothUses()
    {
        var (model, w) = Tied();
        var x = Tensor.From(DType.Float32, [0.3, -0.7], 1, 2);
        model.Forward(x).Sum().Backward();
        var tape = w.Grad!.ToDoubleArray();
        // The same function with two separate copies of W: the tied gradient is their sum.
        var w1 = w.Detach().Clone().RequireGrad();
        var w2 = w.Detach().Clone().RequireGrad();
        Tensor.Matmul(Tensor.Matmul(x, w1).Tanh(), w2).Sum().Backward();
        var sum = w1.Grad!.ToDoubleArray().Zip(w2.Grad!.ToDoubleArray(), (a, b) => a + b).ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(sum[i], tape[i], 6);
    }

    [Fact]
    public void AModuleRegisteredTwiceIsListedOnce()
    {
        var shared = new Linear(2, 2, new Generator(1));
        var model = new Pair(shared);
        Assert.Equal(["a.weight", "a.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(6, model.ParameterCount());
        Assert.Equal(["", "a"], model.NamedModules().Select(m => m.Name));
        // The state dict lists every name, as PyTorch's state_dict() does.
        Assert.Equal(["a.weight", "a.bias", "b.weight", "b.bias"], model.StateDict().Keys);
    }

    private sealed class Pair : Module
    {
        public Pair(Module m)
        {
            RegisterModule("a", m);
            RegisterModule("b", m);
        }

        public override Tensor Forward(Tensor input) => input;
    }
}

/// <summary>Modules(), Children(), NamedModules(): PyTorch's traversal order and names.</summary>
public class ModuleTraversalTests
{
    [Fact]
    public void NamedModulesArePreOrderWithDottedPaths()
    {
        var inner = new Sequential(new Linear(3, 3, new Generator(1)), new ReLU());
        var model = new Sequential(new Linear(2, 3, new Generator(2)), inner, new Linear(3, 1, new Generator(3)));
        Assert.Equal(["", "0", "1", "1.0", "1.1", "2"], model.NamedModules().Select(m => m.Name));
        Assert.Equal(["Sequential", "Linear", "Sequential", "Linear", "ReLU", "Linear"], model.Modules().Select(m => m.GetType().Name));
        Assert.Equal([model[0], inner, model[2]], model.Children());
        Assert.Same(inner[1], model.NamedModules().Single(m => m.Name == "1.1").Module);
    }

    [Fact]
    public void ANameWithADotIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dotted());
        Assert.StartsWith("Dotted: the name 'a.b' has a dot", e.Message);
    }

    [Fact]
    public void OnlyA2dParameterCanBeTransposedInTheStateDict()
    {
        var e = Assert.Throws<ArgumentException>(() => new Transposed3d());
        Assert.StartsWith("Transposed3d: parameter 'w' has shape [2, 2, 2]; only a 2-d parameter", e.Message);
    }

    private sealed class Dotted : Module
    {
        public Dotted() => RegisterParameter("a.b", Tensor.Zeros(1));

        public override Tensor Forward(Tensor input) => input;
    }

    private sealed class Transposed3d : Module
    {
        public Transposed3d() => RegisterParameter("w", Tensor.Zeros(2, 2, 2), transposedInStateDict: true);

        public override Tensor Forward(Tensor input) => input;
    }
}
