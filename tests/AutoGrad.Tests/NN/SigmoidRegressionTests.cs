using AutoGrad.Checking;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.NN;

public class SigmoidRegressionTests
{
    [Fact]
    public void TapeGradientIsTheNotesHandDerivation()
    {
        // E = ½(y − o)², o = σ(⟨w, x⟩ + b): dE/dw_j = −(y − o)·o(1 − o)·x_j (note 000 L494).
        var model = new SigmoidRegression(3, new Generator(1), dtype: DType.Float64);
        var x = Tensor.FromArray(new double[,] { { 0.5, -1, 2 } });
        var y = Tensor.FromArray(new[] { 0.8 });
        model.Loss(x, y).Backward();
        double o = model.Forward(x).Item();
        double delta = -(0.8 - o) * o * (1 - o);
        var xv = x.ToDoubleArray();
        for (int j = 0; j < 3; j++) Assert.Equal(delta * xv[j], model.Linear.Weight.Grad![j, 0], 12);
        Assert.Equal(delta, model.Linear.Bias!.Grad![0], 12);
    }

    [Fact]
    public void BatchGradientSumsTheExamplesAsNote003()
    {
        // dE/dw_i = Σ_n (o⁽ⁿ⁾ − t⁽ⁿ⁾)·o⁽ⁿ⁾(1 − o⁽ⁿ⁾)·x_i⁽ⁿ⁾ (note 003 L553).
        var gen = new Generator(2);
        var model = new SigmoidRegression(2, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 6, 2);
        var t = Tensor.Uniform(gen, 0, 1, DType.Float64, 6);
        model.Loss(x, t).Backward();
        var o = model.Forward(x).ToDoubleArray();
        for (int i = 0; i < 2; i++)
        {
            double expected = 0;
            for (int n = 0; n < 6; n++) expected += (o[n] - t[n]) * o[n] * (1 - o[n]) * x[n, i];
            Assert.Equal(expected, model.Linear.Weight.Grad![i, 0], 12);
        }
        GradCheck.Assert(w => Loss.HalfSquaredError(Tensor.Matmul(x, w).Squeeze(-1).Sigmoid(), t), model.Linear.Weight.Detach().Clone().RequireGrad());
    }

    [Fact]
    public void SgdStepIsTheNotesUpdate()
    {
        // w ← w + η(y − o)o(1 − o)x (note 000 L496-509).
        var model = new SigmoidRegression(2, new Generator(3), dtype: DType.Float64);
        var x = Tensor.FromArray(new double[,] { { 1, -0.5 } });
        double y = 1, eta = 0.5;
        var w0 = model.Linear.Weight.ToDoubleArray();
        double o = model.Forward(x).Item();
        model.Loss(x, Tensor.FromArray(new[] { y })).Backward();
        PlainSgd.Step(model.Parameters(), eta);
        Assert.Equal(w0[0] + eta * (y - o) * o * (1 - o) * 1, model.Linear.Weight[0, 0], 12);
        Assert.Equal(w0[1] + eta * (y - o) * o * (1 - o) * -0.5, model.Linear.Weight[1, 0], 12);
    }

    [Fact]
    public void OutputIsAVectorOfProbabilities()
    {
        var model = new SigmoidRegression(4, new Generator(1));
        var o = model.Forward(Tensor.Randn(new Generator(2), 5, 4));
        Assert.Equal([5], o.Shape.ToArray());
        Assert.All(o.ToDoubleArray(), v => Assert.InRange(v, 0, 1));
        Assert.Throws<ShapeException>(() => model.Loss(Tensor.Zeros(5, 4), Tensor.Zeros(5, 1)));
    }
}
