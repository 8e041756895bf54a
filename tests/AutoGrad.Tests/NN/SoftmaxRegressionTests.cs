using AutoGrad.NN;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.NN;

public class SoftmaxRegressionTests
{
    [Fact]
    public void WeightGradientIsXTransposeTimesSoftmaxMinusOneHotOverN()
    {
        // dC/dz = a − y (note 001 L492), so dC/dW = xᵀ(a − y)/N for the mean and dC/db = Σ(a − y)/N.
        var gen = new Generator(1);
        var model = new SoftmaxRegression(3, 4, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 5, 3);
        int[] labels = [0, 3, 1, 1, 2];
        model.Loss(x, labels).Backward();
        var a = model.Probabilities(x);
        var diff = (a - Tensor.OneHot(labels, 4, DType.Float64)) / 5.0;
        LinearTests.AssertClose(Tensor.Matmul(x.T, diff), model.Linear.Weight.Grad!);
        LinearTests.AssertClose(diff.Sum(0), model.Linear.Bias!.Grad!);
    }

    [Fact]
    public void PredictIsTheArgmax()
    {
        var model = new SoftmaxRegression(2, 3, new Generator(1), dtype: DType.Float64);
        var x = Tensor.Normal(new Generator(2), 0, 1, DType.Float64, 7, 2);
        var p = model.Probabilities(x);
        var pred = model.Predict(x);
        for (int i = 0; i < 7; i++)
            for (int k = 0; k < 3; k++) Assert.True(p[i, pred[i]] >= p[i, k]);
        Assert.All(p.Sum(1).ToDoubleArray(), s => Assert.Equal(1, s, 12));
    }

    [Fact]
    public void ReachesGoodHeldOutAccuracyOnDigits()
    {
        var d = DigitsSplit.Load();
        var gen = new Generator(7);
        var model = new SoftmaxRegression(64, d.Classes, gen);
        PlainSgd.Train(model, (m, xb, yb) => ((SoftmaxRegression)m).Loss(xb, yb), d.TrainX, d.TrainY, epochs: 10, batchSize: 32, learningRate: 0.1, gen);
        var predictions = model.Predict(d.TestX);
        double accuracy = predictions.Zip(d.TestY, (p, y) => p == y ? 1.0 : 0).Average();
        Assert.True(accuracy >= 0.90, $"held-out accuracy {accuracy:P2}");
    }
}
