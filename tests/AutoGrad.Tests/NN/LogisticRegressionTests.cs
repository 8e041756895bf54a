using AutoGrad.NN;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.NN;

public class LogisticRegressionTests
{
    [Fact]
    public void GradientIsOMinusYTimesX()
    {
        // E = −y log o − (1 − y) log(1 − o): dE/dw = (o − y)·x (note 000 exercise; note 003 L757).
        var model = new LogisticRegression(3, new Generator(1), dtype: DType.Float64);
        var x = Tensor.FromArray(new double[,] { { 0.5, -1, 2 } });
        var y = Tensor.FromArray(new[] { 1.0 });
        model.Loss(x, y).Backward();
        double o = model.Forward(x).Item();
        var xv = x.ToDoubleArray();
        for (int j = 0; j < 3; j++) Assert.Equal((o - 1) * xv[j], model.Linear.Weight.Grad![j, 0], 12);
        Assert.Equal(o - 1, model.Linear.Bias!.Grad![0], 12);
    }

    [Fact]
    public void MeanGradientIsNote001s()
    {
        // dC/dw_j = −(1/M) Σ_m (y − σ(z))·x_j (note 001 L403).
        var gen = new Generator(5);
        var model = new LogisticRegression(2, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 8, 2);
        var y = Tensor.FromArray(new double[] { 0, 1, 1, 0, 1, 0, 0, 1 });
        model.Loss(x, y).Backward();
        var o = model.Forward(x).ToDoubleArray();
        for (int j = 0; j < 2; j++)
        {
            double expected = 0;
            for (int m = 0; m < 8; m++) expected += -(y[m] - o[m]) * x[m, j];
            Assert.Equal(expected / 8, model.Linear.Weight.Grad![j, 0], 12);
        }
    }

    [Fact]
    public void LearnsASeparableProblem()
    {
        var gen = new Generator(3);
        var x = Tensor.Normal(gen, 0, 1, DType.Float32, 200, 2);
        var labels = Enumerable.Range(0, 200).Select(i => x[i, 0] + 2 * x[i, 1] > 0.3 ? 1 : 0).ToArray();
        var y = Tensor.FromArray(labels.Select(l => (float)l).ToArray());
        var model = new LogisticRegression(2, gen);
        for (int step = 0; step < 300; step++)
        {
            model.ZeroGrad();
            model.Loss(x, y).Backward();
            PlainSgd.Step(model.Parameters(), 1.0);
        }
        double accuracy = model.Predict(x).Zip(labels, (p, l) => p == l ? 1.0 : 0).Average();
        Assert.True(accuracy >= 0.97, $"accuracy {accuracy}");
    }
}
