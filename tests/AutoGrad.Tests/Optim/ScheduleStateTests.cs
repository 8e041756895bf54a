using AutoGrad.IO;
using AutoGrad.Optim;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Optim;

/// <summary>Linear warm-up, reduce-on-plateau (against PyTorch's rules), and schedule state in checkpoints.</summary>
public class ScheduleStateTests
{
    private static Sgd NewSgd(double lr = 0.1) => new([Tensor.Ones(DType.Float64, 2).RequireGrad()], lr);

    [Fact]
    public void WarmupClimbsLinearlyThenFollowsTheNextSchedule()
    {
        // PyTorch (torch 1.13): SequentialLR([LinearLR(start_factor=0.25, total_iters=4), StepLR(step_size=2, gamma=0.5)], milestones=[4]) gives these rates.
        var opt = NewSgd(0.8);
        var warm = new LinearWarmupLR(opt, warmupSteps: 4, startFactor: 0.25, then: new StepLR(opt, stepSize: 2, gamma: 0.5));
        Assert.Equal(0.2, opt.LearningRate, 1e-15);
        double[] expected = [0.35, 0.5, 0.65, 0.8, 0.8, 0.4, 0.4, 0.2];
        foreach (double e in expected) Assert.Equal(e, warm.Step(), 1e-14);
        Assert.Equal(0.8, new LinearWarmupLR(NewSgd(0.8), 2).RateAt(5), 1e-15);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupLR(opt, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupLR(opt, 3, startFactor: 0));
        var other = NewSgd();
        Assert.Contains("another optimizer", Assert.Throws<ArgumentException>(() => new LinearWarmupLR(opt, 3, then: new StepLR(other, 1))).Message);
    }

    [Fact]
    public void PlateauReducesAfterPatienceAndCoolsDownAsPyTorch()
    {
        // torch.optim.lr_scheduler.ReduceLROnPlateau(opt(lr=1), factor=0.5, patience=1, cooldown=1, threshold=0.1, min_lr=0.2)
        // on these losses gives these rates (torch 1.13):
        double[] losses = [1.0, 0.95, 0.94, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1];
        double[] torch = [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2];
        var opt = NewSgd(1.0);
        var plateau = new ReduceLROnPlateau(opt, factor: 0.5, patience: 1, threshold: 0.1, cooldown: 1, minLearningRate: 0.2);
        for (int i = 0; i < losses.Length; i++) Assert.Equal(torch[i], plateau.Step(losses[i]), 1e-15);
        Assert.Equal(3, plateau.Reductions);
        Assert.Equal(0.5, plateau.Best);
    }

    [Fact]
    public void PlateauCountsANaNMetricAsABadEpochAndRefusesBadArguments()
    {
        var opt = NewSgd(1.0);
        var plateau = new ReduceLROnPlateau(opt, patience: 0);
        plateau.Step(1.0);
        Assert.Equal(0.1, plateau.Step(double.NaN), 1e-15);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(opt, factor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(opt, factor: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(opt, patience: -1));
    }

    [Fact]
    public void ASchedulesStateResumesInACheckpoint()
    {
        using var dir = new TempDirectory();
        var model = new TinyLinearModel(3, 2, new Generator(1), DType.Float64);
        var opt = new Momentum(model, 0.1);
        var cosine = new CosineAnnealingLR(opt, tMax: 10, minLearningRate: 0.01);
        for (int i = 0; i < 4; i++) cosine.Step();
        Checkpoint.Save(dir.File("m.ckpt"), model, opt, schedule: cosine);

        var opt2 = new Momentum(model, 0.5);
        var cosine2 = new CosineAnnealingLR(opt2, tMax: 10, minLearningRate: 0.01);
        Checkpoint.Load(dir.File("m.ckpt"), model, opt2, cosine2);
        Assert.Equal(4, cosine2.StepCount);
        Assert.Equal(0.1, cosine2.BaseLearningRate);
        Assert.Equal(cosine.RateAt(5), cosine2.Step(), 1e-15);
        Assert.Equal(cosine.RateAt(5), opt2.LearningRate, 1e-15);
    }

    [Fact]
    public void APlateausStateResumesInACheckpoint()
    {
        using var dir = new TempDirectory();
        var model = new TinyLinearModel(3, 2, new Generator(1), DType.Float64);
        var opt = new Adam(model, 0.1);
        var plateau = new ReduceLROnPlateau(opt, patience: 2);
        foreach (var l in new[] { 1.0, 0.9, 0.95, 0.97 }) plateau.Step(l);
        Checkpoint.Save(dir.File("m.ckpt"), model, opt, schedule: plateau);
        var opt2 = new Adam(model, 0.1);
        var plateau2 = new ReduceLROnPlateau(opt2, patience: 2);
        Checkpoint.Load(dir.File("m.ckpt"), model, opt2, plateau2);
        Assert.Equal((0.9, 2, 4), (plateau2.Best, plateau2.BadEpochs, plateau2.StepCount));
        Assert.Equal(plateau.Step(0.99), plateau2.Step(0.99), 1e-15);
        Assert.Equal(0.01, opt2.LearningRate, 1e-15);
    }

    [Fact]
    public void AScheduleThatDoesNotFitIsRefusedAndNothingChanges()
    {
        using var dir = new TempDirectory();
        var model = new TinyLinearModel(3, 2, new Generator(1), DType.Float64);
        var opt = new Sgd(model, 0.1);
        var step = new StepLR(opt, stepSize: 3);
        step.Step();
        Checkpoint.Save(dir.File("m.ckpt"), model, opt, schedule: step);
        Checkpoint.Save(dir.File("none.ckpt"), model, opt);

        var opt2 = new Sgd(model, 0.1);
        var cosine = new CosineAnnealingLR(opt2, 5);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(dir.File("m.ckpt"), model, opt2, cosine));
        Assert.Contains("holds no state for a 'cosine' schedule (it holds: step)", e.Message);
        var differentArgs = new StepLR(opt2, stepSize: 4);
        e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(dir.File("m.ckpt"), model, opt2, differentArgs));
        Assert.Contains("step_size is 3 but this schedule's is 4", e.Message);
        Assert.Equal(0, differentArgs.StepCount);
        e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(dir.File("none.ckpt"), model, opt2, new StepLR(opt2, 3)));
        Assert.Contains("it holds no schedule", e.Message);
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(dir.File("x.ckpt"), model, schedule: step));
    }
}
