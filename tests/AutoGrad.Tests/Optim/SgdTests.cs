using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Tests.Support;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

public class SgdTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void StepIsClosedForm(DType dtype)
    {
        var p = NewParameter(dtype);
        const double lr = 0.1;
        AssertMatches(p, new Sgd([p], lr), (w, g, _) => w.Select((wi, i) => wi - lr * g[i]).ToArray());
    }

    [Fact]
    public void HandComputedStep()
    {
        // w = [1, -2], g = [0.5, -4], lr = 0.25: w' = [1 - 0.125, -2 + 1] = [0.875, -1].
        var p = Tensor.From(DType.Float64, [1, -2]).RequireGrad();
        p.Grad = Tensor.From(DType.Float64, [0.5, -4]);
        new Sgd([p], 0.25).Step();
        Assert.Equal([0.875, -1.0], p.ToDoubleArray());
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void DecoupledWeightDecayShrinksThenSteps(DType dtype)
    {
        var p = NewParameter(dtype);
        const double lr = 0.1, wd = 0.5;
        AssertMatches(p, new Sgd([p], lr, decoupledWeightDecay: wd), (w, g, _) => w.Select((wi, i) => (1 - lr * wd) * wi - lr * g[i]).ToArray());
    }

    [Fact]
    public void ForPlainSgdDecoupledDecayEqualsTheL2PenaltyStep()
    {
        // The one case where the two coincide: the gradient of (λ/2)‖w‖² is λw, so w − η(g + λw) = (1 − ηλ)w − ηg.
        const double lr = 0.05, lambda = 0.3;
        var decayed = NewParameter(DType.Float64);
        var penalized = NewParameter(DType.Float64);
        var sgdDecay = new Sgd([decayed], lr, decoupledWeightDecay: lambda);
        var sgdPenalty = new Sgd([penalized], lr);
        for (int t = 0; t < 5; t++)
        {
            Backward(decayed);
            sgdDecay.Step();
            penalized.ZeroGrad();
            var a = Tensor.From(DType.Float64, A, 2, 2);
            var b = Tensor.From(DType.Float64, B, 2, 2);
            var loss = (a * (penalized - b).Square()).Sum() * 0.5 + penalized.Square().Sum() * (lambda / 2);
            loss.Backward();
            sgdPenalty.Step();
        }
        var x = decayed.ToDoubleArray();
        var y = penalized.ToDoubleArray();
        for (int i = 0; i < x.Length; i++) Assert.Equal(y[i], x[i], 1e-12);
    }

    [Fact]
    public void ModelConstructorLeavesBiasesOutOfWeightDecayUnlessAsked()
    {
        var model = new TinyLinearModel(3, 2, new Generator(1), DType.Float64);
        model.Bias.CopyFromNoGrad([1.0, -1.0]);
        foreach (var q in model.Parameters()) q.Grad = Tensor.ZerosLike(q);
        var w0 = model.Weight.ToDoubleArray();

        new Sgd(model, 0.1, decoupledWeightDecay: 0.5).Step();
        Assert.Equal([1.0, -1.0], model.Bias.ToDoubleArray());
        Assert.Equal(w0.Select(v => v * 0.95), model.Weight.ToDoubleArray());

        new Sgd(model, 0.1, decoupledWeightDecay: 0.5, decayBiases: true).Step();
        Assert.Equal([0.95, -0.95], model.Bias.ToDoubleArray());
    }

    [Fact]
    public void ListConstructorDecaysExactlyTheListedTensors()
    {
        // No guessing from the rank: every tensor of the list decays; groups leave some out.
        var model = new TinyLinearModel(3, 2, new Generator(1), DType.Float64);
        model.Bias.CopyFromNoGrad([1.0, -1.0]);
        foreach (var q in model.Parameters()) q.Grad = Tensor.ZerosLike(q);
        var w0 = model.Weight.ToDoubleArray();

        var sgd = new Sgd(model.Parameters(), 0.1, decoupledWeightDecay: 0.5);
        Assert.Equal([0.5, 0.5], [sgd.DecoupledWeightDecayOf(0), sgd.DecoupledWeightDecayOf(1)]);
        sgd.Step();
        Assert.Equal([0.95, -0.95], model.Bias.ToDoubleArray());
        Assert.Equal(w0.Select(v => v * 0.95), model.Weight.ToDoubleArray());

        var grouped = new Sgd([new ParameterGroup([model.Weight]), new ParameterGroup([model.Bias]) { DecoupledWeightDecay = 0 }], 0.1, decoupledWeightDecay: 0.5);
        grouped.Step();
        Assert.Equal([0.95, -0.95], model.Bias.ToDoubleArray());
        Assert.Equal(w0.Select(v => v * 0.95 * 0.95), model.Weight.ToDoubleArray());
    }

    [Fact]
    public void EveryOptimizerBuiltFromAModelSkipsBiasesByDefault()
    {
        var model = new TinyLinearModel(3, 2, new Generator(1), DType.Float64);
        Optimizer[] optimizers =
        [
            new Sgd(model, decoupledWeightDecay: 0.1), new Momentum(model, decoupledWeightDecay: 0.1), new Nesterov(model, decoupledWeightDecay: 0.1),
            new Adagrad(model, decoupledWeightDecay: 0.1), new RmsProp(model, l2WeightDecay: 0.1), new Adam(model, l2WeightDecay: 0.1), new AdamW(model),
        ];
        foreach (var o in optimizers)
        {
            Assert.Equal(2, o.GroupCount);
            Assert.True(o.DecoupledWeightDecayOf(0) + o.L2WeightDecayOf(0) > 0, o.Kind);
            Assert.Equal(0, o.DecoupledWeightDecayOf(1) + o.L2WeightDecayOf(1));
        }
        Assert.Equal(0.01, new AdamW(model, decayBiases: true).DecoupledWeightDecayOf(1));
    }

    [Fact]
    public void AModelsOptimizerNumbersItsParametersInTheModelsOrder()
    {
        // State tensors and checkpoints index parameters by position: the split into groups must not reorder them.
        var mlp = Mlp.Create([3, 4, 2], Activation.Tanh, new Generator(1));
        var opt = new Adam(mlp, decoupledWeightDecay: 0.1);
        Assert.Equal(mlp.Parameters(), opt.Parameters);
        Assert.Equal([0, 1, 0, 1], Enumerable.Range(0, 4).Select(opt.GroupOf));
    }

    [Fact]
    public void WeightDecayRangeIsStatedInWords()
    {
        var p = Tensor.Ones(DType.Float64, 2, 2).RequireGrad();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], decoupledWeightDecay: -1));
        Assert.StartsWith("sgd: decoupledWeightDecay must be a finite number ≥ 0, got -1", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], l2WeightDecay: double.NaN));
        Assert.StartsWith("sgd: l2WeightDecay must be a finite number ≥ 0, got NaN", e.Message);
    }
}
