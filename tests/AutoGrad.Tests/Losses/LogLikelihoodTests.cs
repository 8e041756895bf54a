using AutoGrad.Checking;
using AutoGrad.Losses;

namespace AutoGrad.Tests.Losses;

/// <summary>The log-likelihood building blocks: formulas, derivatives, and composing a custom loss.</summary>
public class LogLikelihoodTests
{
    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void GaussianMatchesTheDensityAndItsDerivatives()
    {
        double y = 1.3, mu = 0.4, s = -0.2, sigma = Math.Exp(s);
        var yt = V(y).RequireGrad();
        var mt = V(mu).RequireGrad();
        var st = V(s).RequireGrad();
        var ll = LogLikelihood.Gaussian(yt, mt, st);
        double expected = -Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI) - (y - mu) * (y - mu) / (2 * sigma * sigma);
        Assert.Equal(expected, ll.Item(), 12);
        ll.Sum().Backward();
        double r = (y - mu) / (sigma * sigma);
        Assert.Equal(r, mt.Grad![0], 12);
        Assert.Equal(-r, yt.Grad![0], 12);
        Assert.Equal((y - mu) * (y - mu) / (sigma * sigma) - 1, st.Grad![0], 12);
    }

    [Fact]
    public void GaussianBroadcastsASharedNoiseLevel()
    {
        var ll = LogLikelihood.Gaussian(V(0, 1, 2), V(0, 0, 0), Tensor.Scalar(Math.Log(2), DType.Float64));
        Assert.Equal([3], ll.Shape.ToArray());
        double c = -Math.Log(2) - 0.5 * Math.Log(2 * Math.PI);
        Assert.Equal(c - 0.5 / 4, ll[1], 12);
        Assert.Equal(c - 2.0 / 4, ll[2], 12);
    }

    [Fact]
    public void BernoulliIsMinusBinaryCrossEntropy()
    {
        var z = V(-2, 0.3, 4);
        var y = V(0, 1, 0.25);
        var ll = LogLikelihood.Bernoulli(z, y).ToDoubleArray();
        var bce = Loss.BinaryCrossEntropy(z.Sigmoid(), y, Reduction.None).ToDoubleArray();
        for (int i = 0; i < 3; i++) Assert.Equal(-bce[i], ll[i], 9);
    }

    [Fact]
    public void BernoulliGradientIsTargetMinusSigmoid()
    {
        var z = V(-2, 0.3, 4).RequireGrad();
        var y = V(0, 1, 0.25);
        LogLikelihood.Bernoulli(z, y).Sum().Backward();
        var o = V(-2, 0.3, 4).Sigmoid().ToDoubleArray();
        for (int i = 0; i < 3; i++) Assert.Equal(y[i] - o[i], z.Grad![i], 12);
    }

    [Fact]
    public void CategoricalIsTheLogSoftmaxOfTheLabel()
    {
        var z = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { -1, 0, 4 } });
        var ll = LogLikelihood.Categorical(z, [2, 0]);
        var lsm = z.LogSoftmax(1);
        Assert.Equal(lsm[0, 2], ll[0], 12);
        Assert.Equal(lsm[1, 0], ll[1], 12);
        var soft = Tensor.FromArray(new double[,] { { 0, 0.5, 0.5 }, { 1, 0, 0 } });
        var lls = LogLikelihood.Categorical(z, soft);
        Assert.Equal(0.5 * lsm[0, 1] + 0.5 * lsm[0, 2], lls[0], 12);
        Assert.Equal(lsm[1, 0], lls[1], 12);
    }

    [Fact]
    public void ArgumentErrorsNameTheFunction()
    {
        var e = Assert.Throws<ArgumentException>(() => LogLikelihood.Categorical(Tensor.Zeros(3, 2), [0, 1]));
        Assert.Contains("LogLikelihood.Categorical", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LogLikelihood.Categorical(Tensor.Zeros(2, 2), [0, 2]));
        Assert.Throws<ShapeException>(() => LogLikelihood.Categorical(Tensor.Zeros(2, 2), Tensor.Zeros(2, 3)));
        Assert.Throws<ShapeException>(() => LogLikelihood.Bernoulli(Tensor.Zeros(2), Tensor.Zeros(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogLikelihood.Bernoulli(Tensor.Zeros(1), Tensor.Full(1.5, 1)));
        Assert.Throws<ShapeException>(() => LogLikelihood.Gaussian(Tensor.Zeros(2), Tensor.Zeros(3), Tensor.Zeros(1)));
        Assert.Throws<ArgumentException>(() => LogLikelihood.Gaussian(Tensor.Zeros(2), Tensor.Zeros(DType.Float64, 2), Tensor.Zeros(1)));
    }

    [Fact]
    public void ACustomHeteroscedasticLossIsGradientChecked()
    {
        // The docs' sample: a network predicts a mean and a log σ per example; the loss is the
        // Gaussian NLL plus a penalty on log σ. No backward code, and finite differences agree.
        var gen = new Generator(7);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 5, 2);
        var y = Tensor.Normal(gen, 0, 1, DType.Float64, 5);
        var w = Tensor.Normal(gen, 0, 0.5, DType.Float64, 2, 2).RequireGrad();
        Tensor CustomLoss(Tensor[] p)
        {
            var outputs = Tensor.Matmul(x, p[0]);
            var mean = outputs.Select(1, 0);
            var logSigma = outputs.Select(1, 1);
            return -LogLikelihood.Gaussian(y, mean, logSigma).Mean() + 0.01 * logSigma.Square().Sum();
        }
        GradCheck.Assert(CustomLoss, [w]);
    }
}
