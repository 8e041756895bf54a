using System.Diagnostics;
using System.Globalization;
using AutoGrad.Cli.Output;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Cli.Training;

/// <summary>
/// What the recurrent models' training shares, whatever the data: the optimizer, schedule and early
/// stopping of <c>autograd train</c>, one step per batch (data loss plus any L1/L2 penalty, backward,
/// gradient clipping by global norm, optimizer step), per-epoch holdout metrics, the plot and the checkpoint.
/// </summary>
/// <remarks>
/// Steps run eagerly in a <see cref="Memory.StepScope"/>: a stateful text model carries its state
/// from one batch to the next, so the state is detached and cloned before the scope ends.
/// </remarks>
public static class SequenceTraining
{
    /// <summary>The checkpoint metadata format of the recurrent models (the same as the classifiers', with a "task" key).</summary>
    public const string Format = "autograd-cli/1";

    /// <summary>Trains a recurrent model on a series or a text; returns the figure of the last line (test ARV of the first span, or held-out bits per character).</summary>
    public static double Run(TrainOptions o, TextWriter output, bool interactive) =>
        SequenceSources.IsSeries(o.Dataset) ? SeriesTraining.Run(o, output, interactive) : TextTraining.Run(o, output, interactive);

    /// <summary>
    /// One training step on <paramref name="dataLoss"/>: penalties, backward, clipping, optimizer step
    /// (skipped, and counted by <paramref name="loop"/>, when the loss is finite but the gradient norm
    /// is not), then the divergence check. Returns true if a signal asks the loop to stop.
    /// </summary>
    /// <exception cref="DivergenceException">The loss or a weight is NaN or ±∞.</exception>
    public static bool Step(SequenceModel model, Optimizer optimizer, TrainOptions o, Tensor dataLoss, EpochLoop loop)
    {
        var loss = dataLoss;
        if (o.L1 > 0) loss = loss + Regularization.L1Penalty(model, o.L1);
        if (o.L2 > 0) loss = loss + Regularization.L2Penalty(model, o.L2);
        double value = loss.Item();
        // A non-finite loss stops the run before its gradients touch the weights.
        if (!double.IsFinite(value)) return loop.AfterStep(value);
        loss.Backward();
        if (o.Clip > 0 && !double.IsFinite(GradientClipping.ClipByNorm(optimizer.Parameters, o.Clip))) loop.SkippedStep();
        else optimizer.Step();
        return loop.AfterStep(value);
    }

    /// <summary>
    /// The epochs: <paramref name="epoch"/> trains one pass (the model in training mode, gradients zeroed
    /// by the caller per step, each step through <see cref="Step"/>, leaving the pass early when it
    /// returns true) and returns its mean loss and accuracy (NaN when there is none);
    /// <paramref name="holdout"/> (if any) scores the holdout in evaluation mode.
    /// </summary>
    /// <exception cref="DivergenceException">A step's loss or a weight became NaN or ±∞.</exception>
    public static TrainingRun Loop(SequenceModel model, TrainOptions o, IEpochReporter reporter, int batches,
        Func<Optimizer, IEpochReporter, EpochLoop, (double Loss, double Accuracy)> epoch, Func<(double Loss, double Accuracy)>? holdout, Interrupt? interrupt = null)
    {
        var history = new List<EpochResult>();
        var optimizer = Optimizer.Create(o.Optimizer, model, o.LearningRate, o.WeightDecay);
        var schedule = Trainer.Schedule(optimizer, o);
        var loop = new EpochLoop(model, optimizer, o, holdout is not null, interrupt ?? new Interrupt());
        reporter.Run(r =>
        {
            for (int e = 1; e <= o.Epochs; e++)
            {
                var clock = Stopwatch.StartNew();
                r.BeginEpoch(e, o.Epochs, batches);
                loop.BeginEpoch(e, batches);
                model.Train();
                var (loss, accuracy) = epoch(optimizer, r, loop);
                if (loop.StoppedMidEpoch) break;
                double? hLoss = null, hAcc = null;
                if (holdout is not null)
                {
                    model.Eval();
                    (hLoss, hAcc) = holdout();
                    model.Train();
                }
                schedule?.Step();
                var result = new EpochResult(e, loss, accuracy, hLoss, hAcc, clock.Elapsed.TotalSeconds);
                history.Add(result);
                r.EndEpoch(result, o.Epochs);
                if (loop.EndEpoch(result, history, r)) break;
            }
            loop.Finish(r);
        });
        model.Eval();
        return new TrainingRun(history, optimizer, loop.Interruption);
    }

    /// <summary>The options' optimizer for the data line.</summary>
    public static string Training(TrainOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"optimizer {o.Optimizer} lr {o.LearningRate}, {(o.Clip > 0 ? $"gradients clipped to norm {o.Clip}" : "no gradient clipping")}");

    /// <summary>Writes the plot and the checkpoint if asked for; after an interrupt, saves the last completed epoch's model and throws.</summary>
    /// <exception cref="TrainingInterrupted">A signal stopped training.</exception>
    public static void Finish(SequenceModel model, TrainingRun run, TrainOptions o, TextWriter output, Dictionary<string, string> metadata)
    {
        var (history, optimizer) = (run.History, run.Optimizer);
        if (o.Plot is not null && history.Count > 0)
        {
            SvgPlot.Write(o.Plot, history, $"{o.Model} on {Path.GetFileName(o.Dataset)}");
            output.WriteLine($"wrote the loss{(history.Any(h => double.IsFinite(h.TrainAccuracy)) ? " and accuracy" : "")} curves to {o.Plot}");
        }
        void Save()
        {
            try
            {
                Checkpoint.Save(o.Save!, model, optimizer, metadata);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserError($"--save: {Cli.OneLine(e).Replace("Checkpoint.Save: ", "", StringComparison.Ordinal)}");
            }
        }
        if (run.Interrupted is { } stop) throw Commands.TrainCommand.Interrupted(stop, o, optimizer.Kind, Save);
        if (o.Save is not null)
        {
            Save();
            output.WriteLine($"saved the model and its {optimizer.Kind} optimizer state to {o.Save}");
        }
    }

    /// <summary>The metadata every recurrent checkpoint holds: enough to rebuild the network.</summary>
    public static Dictionary<string, string> Metadata(SequenceModel model, TrainOptions o) => new()
    {
        ["format"] = Format,
        ["model"] = model.Kind,
        ["task"] = model.Task == SequenceTask.Series ? "series" : "text",
        ["dataset"] = o.Dataset,
        ["seed"] = o.Seed.ToString(CultureInfo.InvariantCulture),
        ["input-size"] = model.InputSize.ToString(CultureInfo.InvariantCulture),
        ["hidden"] = model.HiddenSize.ToString(CultureInfo.InvariantCulture),
        ["layers"] = model.Layers.ToString(CultureInfo.InvariantCulture),
        ["dropout"] = model.DropoutP.ToString("R", CultureInfo.InvariantCulture),
        ["output-size"] = model.OutputSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Whether a checkpoint's metadata is a recurrent model's.</summary>
    public static bool IsSequenceCheckpoint(IReadOnlyDictionary<string, string> m) => m.ContainsKey("task");

    /// <summary>Rebuilds the (untrained) network a recurrent checkpoint describes; <paramref name="get"/> reads a metadata entry or throws.</summary>
    /// <exception cref="UserError">The metadata is missing or malformed.</exception>
    public static SequenceModel FromMetadata(IReadOnlyDictionary<string, string> m, string path)
    {
        string Get(string key) => m.TryGetValue(key, out var v) ? v
            : throw new UserError($"{path}: the checkpoint has no '{key}' entry; it was not written by 'autograd train --save'");
        if (Get("format") != Format) throw new UserError($"{path}: unknown checkpoint metadata format '{m["format"]}'");
        try
        {
            var task = Get("task") switch
            {
                "series" => SequenceTask.Series,
                "text" => SequenceTask.Text,
                var t => throw new UserError($"{path}: unknown task '{t}' in the checkpoint's metadata; expected series or text"),
            };
            int Int(string key) => int.Parse(Get(key), NumberStyles.None, CultureInfo.InvariantCulture);
            return new SequenceModel(Get("model"), task, Int("input-size"), Int("hidden"), Int("layers"),
                double.Parse(Get("dropout"), CultureInfo.InvariantCulture), Int("output-size"), new Generator(0));
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new UserError($"{path}: the checkpoint's metadata is malformed ({Cli.OneLine(e)})");
        }
    }
}
