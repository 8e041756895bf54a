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
