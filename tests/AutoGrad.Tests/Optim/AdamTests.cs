using AutoGrad.Optim;
using static AutoGrad.Tests.Optim.OptimizerTestKit;

namespace AutoGrad.Tests.Optim;

public class AdamTests
{
    internal static Func<double[], double[], int, double[]> Reference(double lr, double b1, double b2, double eps, double wd = 0)
    {
        var m = new double[4];
        var v = new double[4];
        return (w, g, t) =>
        {
            var r = new double[4];
            for (int i = 0; i < 4; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mh = m[i] / (1 - Math.Pow(b1, t));
                double vh = v[i] / (1 - Math.Pow(b2, t));
                r[i] = (1 - lr * wd) * w[i] - lr * mh / (Math.Sqrt(vh) + eps);
            }
            return r;
        };
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void StepIsClosedFormWithDefaults(DType dtype)
    {
        var p = NewParameter(dtype);
        var adam = new Adam([p], 0.05);
        Assert.Equal((0.9, 0.999, 1e-8, 0.0), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.DecoupledWeightDecay));
        AssertMatches(p, adam, Reference(0.05, 0.9, 0.999, 1e-8), steps: 8);
    }

    [Fact]
    public void StepIsClosedFormWithOtherBetas()
    {
        var p = NewParameter(DType.Float64);
        AssertMatches(p, new Adam([p], 0.1, beta1: 0.5, beta2: 0.7, epsilon: 1e-3), Reference(0.1, 0.5, 0.7, 1e-3));
    }

    [Fact]
    public void FirstStepMovesEachWeightByTheLearningRate()
    {
        // After bias correction m̂ = g and v̂ = g², so the first step is η·g/(|g| + ε) ≈ η·sign(g).
        var p = Tensor.From(DType.Float64, [1.0, 1.0, 1.0]).RequireGrad();
        p.Grad = Tensor.From(DType.Float64, [1000.0, -0.001, 3.0]);
        new Adam([p], 0.01).Step();
        var w = p.ToDoubleArray();
        Assert.Equal(0.99, w[0], 1e-9);
        Assert.Equal(1.01, w[1], 1e-7);
        Assert.Equal(0.99, w[2], 1e-9);
    }

    [Fact]
    public void EachParameterKeepsItsOwnStepCountForBiasCorrection()
    {
        var a = Tensor.From(DType.Float64, [1.0]).RequireGrad();
        var b = Tensor.From(DType.Float64, [1.0]).RequireGrad();
        var adam = new Adam([a, b], 0.01);
        for (int i = 0; i < 3; i++)
        {
            a.Grad = Tensor.From(DType.Float64, [0.5]);
            adam.Step();
        }
        // b had no gradient for three steps; its first update is still a bias-corrected first step.
        b.Grad = Tensor.From(DType.Float64, [0.5]);
        a.Grad = null;
        adam.Step();
        Assert.Equal(0.99, b.Item(), 1e-9);
        Assert.Equal(4, adam.StepCount);
        Assert.Equal(3.0, adam.State().Tensors["0.step"].Item());
        Assert.Equal(1.0, adam.State().Tensors["1.step"].Item());
    }
}
