using AutoGrad.Autograd;
using AutoGrad.Checking;
using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>Modules of several inputs and outputs: a gated layer a user composes, recurrent steps, Sequential chains.</summary>
public class MultiInputModuleTests
{
    /// <summary>y = σ(x·Wg + c·Wc)·x + (1 − σ(...))·c: a gate between an input and a context.</summary>
    private sealed class Gate : MultiInputModule
    {
        private readonly Linear _fromX, _fromContext;

        public Gate(int d, Generator gen, DType dtype = DType.Float32)
        {
            _fromX = RegisterModule("from_x", new Linear(d, d, gen, dtype: dtype));
            _fromContext = RegisterModule("from_context", new Linear(d, d, gen, bias: false, dtype: dtype));
        }

        public override Tensor[] Forward(Tensor[] inputs)
        {
            ExpectInputs(inputs, 2);
            var (x, c) = (inputs[0], inputs[1]);
            var g = (_fromX.Forward(x) + _fromContext.Forward(c)).Sigmoid();
            return [g * x + (1.0 - g) * c, g];
        }
    }

    [Fact]
    public void AGatedLayerOfTwoInputsAndTwoOutputsKeepsItsParametersInOrderAndIsGradchecked()
    {
        var gen = new Generator(3);
        var gate = new Gate(3, gen, DType.Float64);
        Assert.Equal(["from_x.weight", "from_x.bias", "from_context.weight"], gate.NamedParameters().Select(p => p.Name));
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 3);
        var c = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 3);
        var outs = gate.Forward([x, c]);
        Assert.Equal(2, outs.Length);
        var ps = gate.Parameters().ToArray();
        GradCheck.Assert(xs =>
        {
            var o = gate.Forward([xs[0], xs[1]]);
            return (o[0] * o[1]).Sum();
        }, [x.Clone().RequireGrad(), c.Clone().RequireGrad()]);
        // Gradients reach every parameter.
        var y = gate.Forward([x, c]);
        (y[0].Sum() + y[1].Sum()).Backward();
        Assert.All(ps, p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void CallRecordsTheCallersLine()
    {
        var gate = new Gate(2, new Generator(1));
        var x = Tensor.Ones(DType.Float32, 1, 2);
        var y = gate.Call([x, x])[0];
        Assert.Contains("MultiInputModuleTests.cs", y.GradFn!.Site.ToString());
    }

    [Fact]
    public void WrongInputCountsAreNamed()
    {
        var gate = new Gate(2, new Generator(1));
        var x = Tensor.Ones(DType.Float32, 1, 2);
        Assert.Contains("Gate.Forward: takes 2 inputs, got 1", Assert.Throws<ArgumentException>(() => gate.Forward(x)).Message);
        Assert.Contains("Linear.Forward: takes 1 input, got 2", Assert.Throws<ArgumentException>(() => new Linear(2, 2, new Generator(1)).Forward([x, x])).Message);
        Assert.Contains("LstmCell.Forward: takes 1 input (x) or 3 (x and the state: h, c), got 2",
            Assert.Throws<ArgumentException>(() => new LstmCell(2, 3, new Generator(1)).Forward([x, x])).Message);
    }

    [Fact]
    public void RecurrentStepsAsModulesOfSeveralInputsEqualTheirStateForms()
    {
        var gen = new Generator(5);
        var x = Tensor.Normal(gen, 0, 1, DType.Float32, 2, 3);
        var h = Tensor.Normal(gen, 0, 1, DType.Float32, 2, 4);
        var c = Tensor.Normal(gen, 0, 1, DType.Float32, 2, 4);
        var lstm = new LstmCell(3, 4, gen);
        var (h1, c1) = lstm.Forward(x, (h, c));
        var outs = lstm.Forward([x, h, c]);
        Assert.Equal(h1.ToFloatArray(), outs[0].ToFloatArray());
        Assert.Equal(c1.ToFloatArray(), outs[1].ToFloatArray());
        var gru = new GruCell(3, 4, gen);
        Assert.Equal(gru.Forward(x, h).ToFloatArray(), gru.Forward([x, h])[0].ToFloatArray());
        var rnn = new RnnCell(3, 4, gen);
        Assert.Equal(rnn.Forward(x).ToFloatArray(), rnn.Forward([x])[0].ToFloatArray());
        Assert.Equal(2, lstm.Forward([x]).Length);
    }

    [Fact]
    public void SequentialPassesOutputsAsTheNextInputs()
    {
        var gen = new Generator(2);
        var seq = new Sequential(new Gate(3, gen), new Pick());
        var x = Tensor.Normal(gen, 0, 1, DType.Float32, 2, 3);
        var outs = seq.Forward([x, x]);
        Assert.Single(outs);
        // A gate between x and itself is x.
        var (a, b) = (x.ToFloatArray(), outs[0].ToFloatArray());
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-6);
    }

    /// <summary>Keeps the first of its inputs.</summary>
    private sealed class Pick : MultiInputModule
    {
        public override Tensor[] Forward(Tensor[] inputs) => [inputs[0]];
    }
}
