using System.Diagnostics;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Cli.Training;

/// <summary>
/// The training loop of <c>autograd train</c>: shuffled minibatches, the model's loss plus any
/// L1/L2 penalty, one optimizer step per batch, holdout metrics after every epoch, and optional
/// early stopping that restores the best weights.
/// </summary>
/// <remarks>
/// The step on the first full batch is captured in a <see cref="StepPlan"/> and every later full
/// batch replays it (no allocation; the loader refills the same batch tensor and label array,
/// and the learning-rate schedule and early-stopping restores act on the same tensors the plan
/// reads). The last, smaller batch of an epoch has another shape and runs eagerly, in a
/// <see cref="StepScope"/>. Models whose loss builds its targets in C# (logistic, perceptron) run
/// every step eagerly, as does <see cref="TrainOptions.EagerSteps"/>.
/// The perceptron is trained by its rule instead (<see cref="RunPerceptron"/>).
/// </remarks>
public static class Trainer
{
    /// <summary>
    /// Trains the model; returns the per-epoch metrics, the optimizer (whose state a checkpoint
    /// keeps) and, if <paramref name="interrupt"/> was requested, where training stopped (the model
    /// is then that of the last completed epoch, when <c>--save</c> asked to keep it).
    /// </summary>
    /// <exception cref="DivergenceException">A step's loss or a weight became NaN or ±∞.</exception>
    public static TrainingRun Run(Classifier model, Dataset train, Dataset? holdout, TrainOptions o, Generator rng, IEpochReporter reporter, Interrupt? interrupt = null)
    {
        interrupt ??= new Interrupt();
        if (model.IsPerceptron) return RunPerceptron(model, train, holdout, o, rng, reporter, interrupt);
        var history = new List<EpochResult>();
        var optimizer = Optimizer.Create(o.Optimizer, model.Network, o.LearningRate, o.WeightDecay);
        var loader = new DataLoader(train, o.BatchSize, rng.Fork());
        if (o.Augment.Length > 0) loader.Augment = Augmentation(o.Augment, train);
        var schedule = Schedule(optimizer, o);
        var loop = new EpochLoop(model.Network, optimizer, o, holdout is not null, interrupt);
        // Only losses that take the label array itself (registered with the plan) can be replayed;
        // anomaly mode checks ops as they are recorded, and a replay records nothing.
        bool replay = !o.EagerSteps && !o.DetectAnomaly && (model.Kind is "mlp" or "cnn" or "softmax");
        CapturedStep? plan = null;

        (Tensor Scores, Tensor DataLoss, Tensor Loss) Step(Tensor x, int[] y)
        {
            optimizer.ZeroGrad();
            var scores = model.Forward(x);
            var dataLoss = model.Loss(scores, y);
            var loss = dataLoss;
            if (o.L1 > 0) loss = loss + Regularization.L1Penalty(model.Network, o.L1);
            if (o.L2 > 0) loss = loss + Regularization.L2Penalty(model.Network, o.L2);
            loss.Backward();
            optimizer.Step();
            return (scores, dataLoss, loss);
        }

        reporter.Run(r =>
        {
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                r.BeginEpoch(epoch, o.Epochs, loader.BatchCount);
                loop.BeginEpoch(epoch, loader.BatchCount);
                model.Network.Train();
                double lossSum = 0;
                int correct = 0;
                void Tally(Tensor scores, Tensor dataLoss, int[] y)
                {
                    lossSum += dataLoss.Item() * y.Length;
                    var predicted = model.Predict(scores);
                    for (int i = 0; i < y.Length; i++) if (predicted[i] == y[i]) correct++;
                }
                foreach (var (x, y) in loader)
                {
                    double stepLoss;
                    if (plan is not null && ReferenceEquals(x, plan.Input))
                    {
                        plan.Plan.Run();
                        Tally(plan.Scores, plan.DataLoss, y);
                        stepLoss = plan.Loss.Item();
                    }
                    else if (plan is null && replay && y.Length == o.BatchSize)
                    {
                        plan = CapturedStep.Capture(x, y, Step);
                        Tally(plan.Scores, plan.DataLoss, y);
                        stepLoss = plan.Loss.Item();
                    }
                    else
                    {
                        using var scope = StepScope.Begin();
                        var (scores, dataLoss, loss) = Step(x, y);
                        Tally(scores, dataLoss, y);
                        stepLoss = loss.Item();
                    }
                    r.Advance();
                    if (loop.AfterStep(stepLoss)) break;
                }
                if (loop.StoppedMidEpoch) break;
                double? hLoss = null, hAcc = null;
                if (holdout is not null)
                    (hLoss, hAcc) = Evaluate(model, holdout);
                schedule?.Step();
                var result = new EpochResult(epoch, lossSum / train.Count, (double)correct / train.Count, hLoss, hAcc, clock.Elapsed.TotalSeconds);
                history.Add(result);
                r.EndEpoch(result, o.Epochs);
                if (loop.EndEpoch(result, history, r)) break;
            }
            loop.Finish(r);
        });
        return new TrainingRun(history, optimizer, loop.Interruption);
    }

    /// <summary>
    /// The per-epoch learning-rate schedule <c>--schedule</c> names: step halves the rate every third
    /// of the run, exponential decays it to 1% by the last epoch, cosine anneals it to 0; none is null.
    /// </summary>
    public static LRScheduler? Schedule(Optimizer optimizer, TrainOptions o) => o.Schedule switch
    {
        "step" => new StepLR(optimizer, Math.Max(1, o.Epochs / 3), 0.5),
        "exponential" => new ExponentialLR(optimizer, Math.Pow(0.01, 1.0 / Math.Max(1, o.Epochs))),
        "cosine" => new CosineAnnealingLR(optimizer, o.Epochs),
        _ => null,
    };

    /// <summary>
    /// The transforms <c>--augment</c> names, in the order shift, flip, noise: a shift by up to
    /// 1/14 of the image (2 pixels on 28×28, 1 on the 8×8 digits), a left-right flip of half the
    /// images, Gaussian noise of 5% of the training pixels' range clamped to that range.
    /// </summary>
    public static ImageTransform Augmentation(IReadOnlyCollection<string> names, Dataset train)
    {
        var image = train.ImageShape ?? throw new UserError("--augment needs images: use --dataset digits, fashion-mnist or mnist");
        var steps = new List<ImageTransform>();
        if (names.Contains("shift")) steps.Add(new RandomCrop(Math.Max(1, Math.Min(image.Height, image.Width) / 14)));
        if (names.Contains("flip")) steps.Add(new RandomHorizontalFlip());
        if (names.Contains("noise"))
        {
            var pixels = train.Features.ToFloatArray();
            float min = pixels.Min(), max = pixels.Max();
            steps.Add(new GaussianNoise(0.05 * (max - min), min, max));
        }
        return ImageTransform.Compose([.. steps]);
    }

    /// <summary>
    /// Note 000's perceptron training: w starts at 0; each epoch visits the training rows one at a
    /// time (in an order shuffled by the seed) and takes one SGD step with learning rate 1 on the
    /// perceptron criterion max(0, −y⟨w, x⟩) of that row, so w ← w + ((y − ŷ)/2)·x: a change on a
    /// mistake only. With more than two classes every one-vs-rest perceptron takes its own step on
    /// the same row. Training stops early once an epoch makes no mistake (the data are separated).
    /// The epoch's training loss and accuracy are those of each row just before its update.
    /// </summary>
    private static TrainingRun RunPerceptron(Classifier model, Dataset train, Dataset? holdout, TrainOptions o, Generator rng, IEpochReporter reporter, Interrupt interrupt)
    {
        var history = new List<EpochResult>();
        var optimizer = new Sgd(model.Network, learningRate: 1);
        var loader = new DataLoader(train, 1, rng.Fork());
        var loop = new EpochLoop(model.Network, optimizer, o, holdout is not null, interrupt);
        reporter.Run(r =>
        {
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                r.BeginEpoch(epoch, o.Epochs, loader.BatchCount);
                loop.BeginEpoch(epoch, loader.BatchCount);
                double lossSum = 0;
                int correct = 0, updates = 0;
                foreach (var (x, y) in loader)
                {
                    double stepLoss;
                    using (StepScope.Begin())
                    {
                        optimizer.ZeroGrad();
                        var scores = model.Forward(x);
                        var loss = model.PerceptronLoss(scores, y, Reduction.Sum);
                        stepLoss = loss.Item();
                        lossSum += stepLoss;
                        if (model.Predict(scores)[0] == y[0]) correct++;
                        if (AnyMistake(scores.ToFloatArray(), y[0], model.IsBinary)) updates++;
                        loss.Backward();
                        optimizer.Step();
                    }
                    r.Advance();
                    if (loop.AfterStep(stepLoss)) break;
                }
                if (loop.StoppedMidEpoch) break;
                double? hLoss = null, hAcc = null;
                if (holdout is not null)
                    (hLoss, hAcc) = Evaluate(model, holdout);
                var result = new EpochResult(epoch, lossSum / train.Count, (double)correct / train.Count, hLoss, hAcc, clock.Elapsed.TotalSeconds);
                history.Add(result);
                r.EndEpoch(result, o.Epochs);
                if (updates == 0)
                {
                    r.Message($"the perceptron converged in epoch {epoch}: no training row needed an update");
                    break;
                }
                if (loop.EndEpoch(result, history, r)) break;
            }
            loop.Finish(r);
        });
        return new TrainingRun(history, optimizer, loop.Interruption);
    }

    /// <summary>Whether some perceptron gets this row wrong (sgn(s) ≠ y with sgn(0) = −1), i.e. the rule changes its weights.</summary>
    private static bool AnyMistake(float[] scores, int label, bool binary)
    {
        if (binary) return (scores[0] > 0) != (label == 1);
        for (int j = 0; j < scores.Length; j++)
            if ((scores[j] > 0) != (j == label)) return true;
        return false;
    }

    /// <summary>A captured training step and the tensors of it the loop reads after each run.</summary>
    private sealed record CapturedStep(StepPlan Plan, Tensor Input, Tensor Scores, Tensor DataLoss, Tensor Loss)
    {
        public static CapturedStep Capture(Tensor x, int[] y, Func<Tensor, int[], (Tensor Scores, Tensor DataLoss, Tensor Loss)> step)
        {
            Tensor? scores = null, dataLoss = null, loss = null;
            var plan = StepPlan.Capture(() =>
            {
                var r = step(x, y);
                (scores, dataLoss, loss) = (r.Scores, r.DataLoss, r.Loss);
                return r.Loss;
            }, y);
            return new CapturedStep(plan, x, scores!, dataLoss!, loss!);
        }
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
