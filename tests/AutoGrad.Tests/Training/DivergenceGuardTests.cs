using AutoGrad.Autograd;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Tests.Support;
using AutoGrad.Training;

namespace AutoGrad.Tests.Training;

public class DivergenceGuardTests
{
    [Fact]
    public void FiniteStepsPassAndAreCounted()
    {
        var model = new TinyMlp(2, 3, 2, new Generator(1));
        var guard = new DivergenceGuard(model);
        guard.BeginEpoch(1);
        guard.AfterStep(2.5);
        guard.AfterStep(1.5);
        guard.BeginEpoch(2);
        guard.AfterStep(0.5);
        Assert.Equal(2, guard.Epoch);
        Assert.Equal(1, guard.Step);
        Assert.Equal(3, guard.TotalSteps);
        Assert.Equal(0.5, guard.LastFiniteLoss);
        Assert.Equal((2, 1), (guard.LastFiniteEpoch, guard.LastFiniteStep));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void ANonFiniteLossNamesTheEpochTheStepAndTheLastFiniteLoss(double loss, string shown)
    {
        var guard = new DivergenceGuard();
        guard.BeginEpoch(1);
        guard.AfterStep(2.0);
        guard.BeginEpoch(2);
        guard.AfterStep(1.25);
        guard.AfterStep(0.75);
        var e = Assert.Throws<DivergenceException>(() => guard.AfterStep(loss));
        Assert.Equal(DivergenceKind.Loss, e.Kind);
        Assert.Equal((2, 3, 4L), (e.Epoch, e.Step, e.TotalSteps));
        Assert.Equal(0.75, e.LastFiniteLoss);
        Assert.Equal((2, 2), (e.LastFiniteEpoch, e.LastFiniteStep));
        Assert.StartsWith($"training diverged at epoch 2, step 3: the loss is {shown} (the last finite loss was 0.75, at epoch 2, step 2). Lower the learning rate, clip the gradients", e.Message);
        Assert.Contains("anomaly mode", e.Message);
    }

    [Fact]
    public void ANonFiniteFirstLossSaysThereWasNoFiniteOne()
    {
        var e = Assert.Throws<DivergenceException>(() => new DivergenceGuard().CheckLoss(double.NaN));
        Assert.Null(e.LastFiniteLoss);
        Assert.StartsWith("training diverged at step 1: the loss is NaN (no step before it had a finite loss)", e.Message);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ANonFiniteParameterIsNamedWithItsCount(DType dtype)
    {
        var model = new TinyMlp(2, 3, 2, new Generator(1), dtype);
        var guard = new DivergenceGuard(model);
        guard.BeginEpoch(4);
        guard.AfterStep(1.0);
        using (Tape.NoGrad())
        {
            model.Output.Weight[1, 2] = double.PositiveInfinity;
            model.Output.Weight[0, 0] = double.NaN;
        }
        var e = Assert.Throws<DivergenceException>(() => guard.AfterStep(0.5));
        Assert.Equal(DivergenceKind.Parameter, e.Kind);
        Assert.Equal("output.weight", e.Parameter);
        Assert.Equal(2, e.NonFiniteCount);
        Assert.True(double.IsNaN(e.Value));
        Assert.Equal((4, 2), (e.Epoch, e.Step));
        Assert.StartsWith("training diverged at epoch 4, step 2: parameter 'output.weight' has 2 non-finite values (the first is NaN) after the optimizer step, whose loss was 0.5", e.Message);
    }

    [Fact]
    public void TheIntervalThinsOutTheParameterCheck()
    {
        var w = Tensor.From(DType.Float32, [1, float.NaN], 2);
        var guard = new DivergenceGuard([w], parameterCheckInterval: 3);
        guard.AfterStep(1);
        guard.AfterStep(1);
        var e = Assert.Throws<DivergenceException>(() => guard.AfterStep(1));
        Assert.Equal(3, e.Step);
        Assert.Equal("parameter 0", e.Parameter);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DivergenceGuard([w], parameterCheckInterval: 0));
    }

    [Fact]
    public void GradientDescentWithFarTooLargeAStepIsCaughtInsteadOfTrainingOnNaN()
    {
        // Least squares on x ∈ [−3, 3]: gradient descent with lr 10 multiplies the error by |1 − 2·lr·E[x²]| ≫ 1
        // each step, so the weights grow geometrically until they overflow.
        var g = new Generator(3);
        var x = Tensor.Uniform(g, -3, 3, DType.Float32, 64, 1);
        var y = x * 2 + 1;
        var model = new TinyLinearModel(1, 1, g);
        var optimizer = new Sgd(model, learningRate: 10);
        var guard = new DivergenceGuard(model);
        var e = Assert.Throws<DivergenceException>(() =>
        {
            for (int epoch = 1; epoch <= 1000; epoch++)
            {
                guard.BeginEpoch(epoch);
                optimizer.ZeroGrad();
                var loss = (model.Forward(x) - y).Square().Mean();
                guard.CheckLoss(loss.Item());
                loss.Backward();
                optimizer.Step();
                guard.CheckParameters();
            }
        });
        Assert.True(e.Epoch is > 1 and < 1000, e.Message);
        Assert.True(e.LastFiniteLoss is double l && double.IsFinite(l) && l > 1e6, e.Message);
        Assert.True(model.Parameters().Any(p => p.ToFloatArray().Any(v => !float.IsFinite(v))) || e.Kind == DivergenceKind.Loss);
    }

    [Fact]
    public void PerceptronFitRefusesToGoOnFromANonFiniteFeature()
    {
        var p = new Perceptron(2, DType.Float64);
        var x = Tensor.From(DType.Float64, [1, 1, 0, double.PositiveInfinity, -1, -1], 3, 2);
        var y = Tensor.From(DType.Float64, [1, -1, -1], 3);
        var e = Assert.Throws<DivergenceException>(() => p.Fit(x, y, maxEpochs: 5));
        Assert.Equal(1, e.Epoch);
        Assert.Equal(2, e.Step);
    }

    [Fact]
    public void OneVsRestFitRefusesToGoOnFromANonFiniteFeature()
    {
        var p = new OneVsRestPerceptron(2, 3, DType.Float64);
        var x = Tensor.From(DType.Float64, [1, 0, 0, 1, double.NaN, 1], 3, 2);
        var e = Assert.Throws<DivergenceException>(() => p.Fit(x, [0, 1, 2], maxEpochs: 5));
        Assert.Equal((1, 3), (e.Epoch, e.Step));
    }
}
