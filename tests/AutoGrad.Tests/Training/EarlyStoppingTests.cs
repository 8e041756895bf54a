using AutoGrad.Optim;
using AutoGrad.Tests.Support;
using AutoGrad.Training;

namespace AutoGrad.Tests.Training;

public class EarlyStoppingTests
{
    private static bool[] Feed(EarlyStopping es, params double[] values) => values.Select(es.Update).ToArray();

    [Fact]
    public void StopsAfterPatienceEpochsWithoutImprovement()
    {
        var es = new EarlyStopping(patience: 2);
        Assert.Equal([false, false, false, true], Feed(es, 1.0, 0.8, 0.85, 0.9));
        Assert.Equal(0.8, es.BestValue);
        Assert.Equal(1, es.BestEpoch);
        Assert.Equal(4, es.Epochs);
    }

    [Fact]
    public void AnImprovementResetsTheCount()
    {
        var es = new EarlyStopping(patience: 2);
        Assert.Equal([false, false, false, false, false, false, true], Feed(es, 1.0, 1.1, 0.9, 0.95, 0.7, 0.7, 0.8));
        Assert.Equal(4, es.BestEpoch);
    }

    [Fact]
    public void ChangesSmallerThanMinDeltaDoNotCount()
    {
        Assert.Equal([false, false, false, true], Feed(new EarlyStopping(2, minDelta: 0.005), 1.0, 0.8, 0.85, 0.797));
        Assert.Equal([false, false, false, false], Feed(new EarlyStopping(2), 1.0, 0.8, 0.85, 0.797));
    }

    [Fact]
    public void MaxModeWantsHigherValuesAndTiesAreNoImprovement()
    {
        var es = new EarlyStopping(2, mode: EarlyStoppingMode.Max);
        Assert.Equal([false, false, false, true], Feed(es, 0.5, 0.6, 0.6, 0.59));
        Assert.Equal(0.6, es.BestValue);
    }

    [Fact]
    public void NaNNeverImproves()
    {
        var es = new EarlyStopping(1);
        Assert.True(es.Update(double.NaN));
        Assert.Equal(-1, es.BestEpoch);
        Assert.False(es.RestoreBestWeights());
    }

    [Fact]
    public void RestoresTheBestEpochsWeightsIntoTheSameTensors()
    {
        var model = new TinyLinearModel(3, 2, new Generator(1), DType.Float64);
        var weight = model.Weight;
        var sgd = new Sgd(model, 0.1);
        var es = new EarlyStopping(patience: 2, model: model);
        double[] losses = [0.9, 0.5, 0.6, 0.7];
        double[]? bestWeights = null;
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            model.Weight.CopyFromNoGrad(Enumerable.Repeat((double)epoch, 6).ToArray());
            model.Bias.CopyFromNoGrad([epoch, -epoch]);
            if (epoch == 1) bestWeights = model.Weight.ToDoubleArray();
            if (es.Update(losses[epoch])) break;
        }
        Assert.True(es.ShouldStop);
        Assert.True(es.RestoreBestWeights());
        Assert.Same(weight, model.Weight);
        Assert.Same(weight, sgd.Parameters[0]);
        Assert.Equal(bestWeights, model.Weight.ToDoubleArray());
        Assert.Equal([1.0, -1.0], model.Bias.ToDoubleArray());
    }

    [Fact]
    public void WithoutAModelThereIsNothingToRestore()
    {
        var es = new EarlyStopping(3);
        es.Update(1);
        Assert.False(es.RestoreBestWeights());
    }

    [Fact]
    public void InvalidArgumentsAreRefused()
    {
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(0)).ParamName);
        var minDelta = Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(2, -0.1));
        Assert.Equal("minDelta", minDelta.ParamName);
        Assert.StartsWith("EarlyStopping: minDelta must be a finite number ≥ 0, got -0.1", minDelta.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(2, mode: (EarlyStoppingMode)7));
    }
}
