using System.Diagnostics;
using AutoGrad.Data;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Cli.Training;

/// <summary>
/// The training loop of <c>autograd train</c>: shuffled minibatches, the model's loss plus any
/// L1/L2 penalty, one optimizer step per batch (each step in a <see cref="StepScope"/> so its
/// buffers are reused), holdout metrics after every epoch, and optional early stopping that
/// restores the best weights.
/// </summary>
public static class Trainer
{
    public static List<EpochResult> Run(Classifier model, Dataset train, Dataset? holdout, TrainOptions o, Generator rng, IEpochReporter reporter)
    {
        var history = new List<EpochResult>();
        var optimizer = Optimizer.Create(o.Optimizer, model.Network, o.LearningRate, o.WeightDecay);
        var loader = new DataLoader(train, o.BatchSize, rng.Fork());
        // Per-epoch learning-rate schedules: step halves the rate every third of the run,
        // exponential decays it to 1% by the last epoch, cosine anneals it to 0.
        LRScheduler? schedule = o.Schedule switch
        {
            "step" => new StepLR(optimizer, Math.Max(1, o.Epochs / 3), 0.5),
            "exponential" => new ExponentialLR(optimizer, Math.Pow(0.01, 1.0 / Math.Max(1, o.Epochs))),
            "cosine" => new CosineAnnealingLR(optimizer, o.Epochs),
            _ => null,
        };
        var stopper = o.EarlyStopping > 0 && holdout is not null ? new EarlyStopping(o.EarlyStopping, 0, EarlyStoppingMode.Min, model.Network) : null;
        reporter.Run(r =>
        {
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                r.BeginEpoch(epoch, o.Epochs, loader.BatchCount);
                model.Network.Train();
                double lossSum = 0;
                int correct = 0;
                foreach (var (x, y) in loader)
                {
                    using var scope = StepScope.Begin();
                    optimizer.ZeroGrad();
                    var scores = model.Network.Forward(x);
                    var dataLoss = model.Loss(scores, y);
                    var loss = dataLoss;
                    if (o.L1 > 0) loss = loss + Regularization.L1Penalty(model.Network, o.L1);
                    if (o.L2 > 0) loss = loss + Regularization.L2Penalty(model.Network, o.L2);
                    loss.Backward();
                    optimizer.Step();
                    lossSum += dataLoss.Item() * y.Length;
                    var predicted = model.Predict(scores);
                    for (int i = 0; i < y.Length; i++) if (predicted[i] == y[i]) correct++;
                    r.Advance();
                }
                double? hLoss = null, hAcc = null;
                if (holdout is not null)
                    (hLoss, hAcc) = Evaluate(model, holdout);
                schedule?.Step();
                var result = new EpochResult(epoch, lossSum / train.Count, (double)correct / train.Count, hLoss, hAcc, clock.Elapsed.TotalSeconds);
                history.Add(result);
                r.EndEpoch(result, o.Epochs);
                if (stopper is not null && stopper.Update(hLoss!.Value))
                {
                    r.Message($"early stopping after epoch {epoch}: the holdout loss has not improved for {o.EarlyStopping} epochs");
                    break;
                }
            }
            if (stopper is not null && stopper.RestoreBestWeights())
                r.Message($"restored the weights of the best epoch (epoch {stopper.BestEpoch + 1}, holdout loss {stopper.BestValue:F4})");
        });
        return history;
    }

    /// <summary>Mean loss and accuracy on a whole data set, in evaluation mode.</summary>
    public static (double Loss, double Accuracy) Evaluate(Classifier model, Dataset data)
    {
        using var scope = StepScope.Begin();
        var scores = model.Scores(data.Features);
        double loss;
        using (AutoGrad.Autograd.Tape.NoGrad()) loss = model.Loss(scores, data.Labels).Item();
        var predicted = model.Predict(scores);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == data.Labels[i]) correct++;
        return (loss, (double)correct / data.Count);
    }
}
