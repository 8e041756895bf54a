using System.Runtime.InteropServices;
using AutoGrad.Cli.Training;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Cli.Tests.Training;

/// <summary>What every training loop shares: interrupts that keep the last completed epoch, and early stopping that says when the holdout loss is NaN.</summary>
public class EpochLoopTests
{
    private static Dataset Iris()
    {
        var data = EmbeddedDatasets.Load("iris");
        return Standardizer.Fit(data).Transform(data);
    }

    // No schedule: the learning rate of an epoch does not depend on how many epochs were asked for.
    private static TrainOptions Options(int epochs) => new() { Epochs = epochs, Schedule = "none", BatchSize = 16, Hidden = [8], Save = "kept.ckpt", LearningRate = 0.01 };

    private static (Classifier Model, TrainingRun Run) Train(int epochs, RecordingReporter reporter, Interrupt? interrupt = null)
    {
        var data = Iris();
        var model = Classifier.Create("mlp", data.FeatureCount, data.ClassCount, [8], "relu", 0, new Generator(1));
        var run = Trainer.Run(model, data, null, Options(epochs), new Generator(5), reporter, interrupt);
        return (model, run);
    }

    private static float[][] Weights(Classifier model) => model.Network.Parameters().Select(p => p.ToFloatArray()).ToArray();

    [Fact]
    public void AnInterruptInTheMiddleOfAnEpochLeavesExactlyTheModelOfTheEpochBefore()
    {
        var (three, threeRun) = Train(3, new RecordingReporter());
        var interrupt = new Interrupt();
        var (stopped, run) = Train(10, new RecordingReporter(interrupt, atEpoch: 4, atStep: 2), interrupt);

        Assert.Equal(new InterruptedRun("SIGINT", 130, 4, 2, 10, true, 3), run.Interrupted);
        Assert.Equal(3, run.History.Count);
        Assert.Equal(Weights(three), Weights(stopped));
        // The optimizer is back at the end of epoch 3 too: its step count and its moments.
        Assert.Equal(threeRun.Optimizer.StepCount, run.Optimizer.StepCount);
        var (a, b) = (threeRun.Optimizer.State(), run.Optimizer.State());
        foreach (var (name, t) in a.Tensors) Assert.Equal(t.ToFloatArray(), b.Tensors[name].ToFloatArray());
    }

    [Fact]
    public void AnInterruptAfterTheLastStepOfAnEpochKeepsThatEpoch()
    {
        var (three, _) = Train(3, new RecordingReporter());
        var interrupt = new Interrupt();
        var (stopped, run) = Train(10, new RecordingReporter(interrupt, atEpoch: 3) { Signal = PosixSignal.SIGTERM }, interrupt);

        Assert.Equal(new InterruptedRun("SIGTERM", 143, 3, 10, 10, false, 3), run.Interrupted);
        Assert.Equal(Weights(three), Weights(stopped));
    }

    [Fact]
    public void AnInterruptInTheFirstEpochHasNoEpochToKeep()
    {
        var interrupt = new Interrupt();
        var (_, run) = Train(10, new RecordingReporter(interrupt, atEpoch: 1, atStep: 1), interrupt);
        Assert.Equal(0, run.Interrupted!.KeptEpoch);
        Assert.Empty(run.History);
    }

    [Fact]
    public void TheInterruptMessageSaysWhereAndWhatWasSaved()
    {
        bool saved = false;
        var o = new TrainOptions { Save = "m.ckpt" };
        var e = AutoGrad.Cli.Commands.TrainCommand.Interrupted(new InterruptedRun("SIGINT", 130, 4, 2, 10, true, 3), o, "adam", () => saved = true);
        Assert.True(saved);
        Assert.Equal(130, e.ExitCode);
        Assert.Equal("interrupted by SIGINT in epoch 4 after step 2 of 10 (the rest of that epoch was not run, and its steps were discarded); saved the model of epoch 3, the last completed one, and its adam optimizer state to m.ckpt", e.Message);

        saved = false;
        e = AutoGrad.Cli.Commands.TrainCommand.Interrupted(new InterruptedRun("SIGTERM", 143, 1, 1, 10, true, 0), o, "adam", () => saved = true);
        Assert.False(saved);
        Assert.Equal("interrupted by SIGTERM in epoch 1 after step 1 of 10 (the rest of that epoch was not run, and its steps were discarded); no epoch was completed, so nothing was saved to m.ckpt", e.Message);

        e = AutoGrad.Cli.Commands.TrainCommand.Interrupted(new InterruptedRun("SIGINT", 130, 2, 10, 10, false, 0), new TrainOptions(), "adam", () => saved = true);
        Assert.False(saved);
        Assert.Equal("interrupted by SIGINT after epoch 2; nothing was saved (no --save)", e.Message);
    }

    private static EpochResult Epoch(int epoch, double holdout) => new(epoch, 0.5, 0.9, holdout, 0.8, 0.1);

    [Fact]
    public void EarlyStoppingSaysWhenTheHoldoutLossWasNaN()
    {
        List<EpochResult> h = [Epoch(1, 0.5), Epoch(2, 0.6), Epoch(3, 0.7)];
        Assert.Equal("early stopping after epoch 3: the holdout loss has not improved for 2 epochs", EpochLoop.EarlyStopMessage(3, 2, h));
        h = [Epoch(1, 0.5), Epoch(2, double.NaN), Epoch(3, double.NaN)];
        Assert.Equal("early stopping after epoch 3: the holdout loss was NaN in the last 2 epochs (epochs 2, 3), and a loss that is NaN never counts as an improvement", EpochLoop.EarlyStopMessage(3, 2, h));
        h = [Epoch(1, 0.5), Epoch(2, 0.7), Epoch(3, double.NaN)];
        Assert.Equal("early stopping after epoch 3: the holdout loss has not improved for 2 epochs (it was NaN in epoch 3)", EpochLoop.EarlyStopMessage(3, 2, h));
        h = [Epoch(1, double.PositiveInfinity)];
        Assert.Equal("early stopping after epoch 1: the holdout loss was not finite in the last 1 epoch (epoch 1), and a loss that is not finite never counts as an improvement", EpochLoop.EarlyStopMessage(1, 1, h));
    }

    [Fact]
    public void ANaNHoldoutLossIsReportedOnceAndNoBestWeightsAreMadeUp()
    {
        var model = new Linear(2, 2, new Generator(1));
        var loop = new EpochLoop(model, new Sgd(model, 0.1), new TrainOptions { EarlyStopping = 2 }, hasHoldout: true, new Interrupt());
        var r = new RecordingReporter();
        var history = new List<EpochResult>();
        bool stop = false;
        for (int e = 1; e <= 2 && !stop; e++)
        {
            loop.BeginEpoch(e, 1);
            loop.AfterStep(0.5);
            history.Add(Epoch(e, double.NaN));
            stop = loop.EndEpoch(history[^1], history, r);
        }
        loop.Finish(r);
        Assert.True(stop);
        Assert.Equal(
        [
            "warning: the holdout loss of epoch 1 is NaN while the training loss and the weights are finite: the model's outputs overflow on some holdout rows",
            "early stopping after epoch 2: the holdout loss was NaN in the last 2 epochs (epochs 1, 2), and a loss that is NaN never counts as an improvement",
            "no epoch had a finite holdout loss, so there are no best weights to restore; the model is that of the last epoch",
        ], r.Messages);
    }
}
