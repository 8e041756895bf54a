using System.Globalization;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Cli.Training;

/// <summary>
/// What every training loop of <c>autograd train</c> does around its steps, whatever the model:
/// the <see cref="DivergenceGuard"/> after each step (a NaN or infinite loss or weight stops the
/// run with a <see cref="DivergenceException"/>), early stopping on the holdout loss (saying when
/// that loss is NaN rather than "has not improved"), and interrupts: a signal stops the loop after
/// the running step, and the model of the last completed epoch is put back (when the run saves one).
/// </summary>
public sealed class EpochLoop
{
    private readonly Interrupt _interrupt;
    private readonly CompletedEpoch? _completed;
    private readonly int _patience;
    private bool _warnedHoldout;
    private int _steps, _skipped;

    /// <param name="model">The network being trained.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="o">The options: early stopping's patience, and whether a checkpoint is saved (then each completed epoch is kept).</param>
    /// <param name="hasHoldout">Whether there is a holdout loss to stop early on.</param>
    /// <param name="interrupt">The signal flag the loop watches.</param>
    public EpochLoop(Module model, Optimizer optimizer, TrainOptions o, bool hasHoldout, Interrupt interrupt)
    {
        _interrupt = interrupt;
        _patience = o.EarlyStopping;
        Guard = new DivergenceGuard(model);
        Stopper = o.EarlyStopping > 0 && hasHoldout ? new EarlyStopping(o.EarlyStopping, 0, EarlyStoppingMode.Min, model) : null;
        if (o.Save is not null) _completed = new CompletedEpoch(model, optimizer);
    }

    /// <summary>The divergence guard of the run.</summary>
    public DivergenceGuard Guard { get; }

    /// <summary>Early stopping on the holdout loss, or null.</summary>
    public EarlyStopping? Stopper { get; }

    /// <summary>Set when a signal stopped the loop.</summary>
    public InterruptedRun? Interruption { get; private set; }

    /// <summary>Whether the loop stopped in the middle of an epoch (the caller leaves the epoch loop without finishing the epoch).</summary>
    public bool StoppedMidEpoch => Interruption is { MidEpoch: true };

    /// <summary>Starts an epoch of <paramref name="steps"/> steps.</summary>
    public void BeginEpoch(int epoch, int steps)
    {
        Guard.BeginEpoch(epoch);
        _steps = steps;
        _skipped = 0;
    }

    /// <summary>Records that the step's update was skipped because its gradient norm was not finite (reported at the end of the epoch).</summary>
    public void SkippedStep() => _skipped++;

    /// <summary>Checks the step's loss and the weights; returns true if a signal asks to stop now.</summary>
    /// <exception cref="DivergenceException">The loss or a weight is NaN or ±∞.</exception>
    public bool AfterStep(double loss)
    {
        Guard.AfterStep(loss);
        if (!_interrupt.Requested) return false;
        Interruption = new InterruptedRun(_interrupt.SignalName, _interrupt.ExitCode, Guard.Epoch, Guard.Step, _steps, true, _completed?.Epoch ?? 0);
        return true;
    }

    /// <summary>
    /// After an epoch's metrics are reported: a warning the first time the holdout loss is not
    /// finite, early stopping, keeping the epoch's model, and a signal that came during the
    /// holdout evaluation. Returns true if the loop should stop.
    /// </summary>
    public bool EndEpoch(EpochResult result, IReadOnlyList<EpochResult> history, IEpochReporter r)
    {
        if (_skipped > 0)
            r.Message(string.Create(CultureInfo.InvariantCulture,
                $"warning: epoch {result.Epoch} skipped the update of {_skipped} of its {_steps} steps: their gradient norm was not finite although the loss was (lower --lr or --clip)"));
        if (result.HoldoutLoss is double h && !double.IsFinite(h) && !_warnedHoldout)
        {
            _warnedHoldout = true;
            r.Message(string.Create(CultureInfo.InvariantCulture,
                $"warning: the holdout loss of epoch {result.Epoch} is {DivergenceException.Number(h)} while the training loss and the weights are finite: the model's outputs overflow on some holdout rows"));
        }
        bool stop = false;
        if (Stopper is not null && Stopper.Update(result.HoldoutLoss ?? double.NaN))
        {
            r.Message(EarlyStopMessage(result.Epoch, _patience, history));
            stop = true;
        }
        _completed?.Capture(result.Epoch);
        if (_interrupt.Requested)
        {
            Interruption = new InterruptedRun(_interrupt.SignalName, _interrupt.ExitCode, result.Epoch, Guard.Step, _steps, false, _completed?.Epoch ?? 0);
            return true;
        }
        return stop;
    }

    /// <summary>At the end: an interrupted epoch is replaced by the last completed one (if kept), and early stopping restores its best weights.</summary>
    public void Finish(IEpochReporter r)
    {
        if (StoppedMidEpoch) _completed?.Restore();
        if (Stopper is null) return;
        if (Stopper.RestoreBestWeights())
            r.Message(string.Create(CultureInfo.InvariantCulture, $"restored the weights of the best epoch (epoch {Stopper.BestEpoch + 1}, holdout loss {Stopper.BestValue:F4})"));
        else if (Stopper.Epochs > 0)
            r.Message("no epoch had a finite holdout loss, so there are no best weights to restore; the model is that of the last epoch");
    }

    /// <summary>
    /// Why early stopping stopped: "the holdout loss has not improved for 3 epochs", or, when the
    /// loss was NaN in those epochs, says so (NaN never counts as an improvement).
    /// </summary>
    public static string EarlyStopMessage(int epoch, int patience, IReadOnlyList<EpochResult> history)
    {
        var c = CultureInfo.InvariantCulture;
        var recent = history.TakeLast(patience).ToList();
        var bad = recent.Where(h => h.HoldoutLoss is not double l || !double.IsFinite(l)).ToList();
        string head = string.Create(c, $"early stopping after epoch {epoch}: ");
        string Epochs(List<EpochResult> es) => (es.Count == 1 ? "epoch " : "epochs ") + string.Join(", ", es.Select(e => e.Epoch.ToString(c)));
        string value = bad.Count > 0 && bad.All(b => b.HoldoutLoss is double l && double.IsNaN(l)) ? "NaN" : "not finite";
        if (bad.Count == 0)
            return head + string.Create(c, $"the holdout loss has not improved for {patience} epoch{(patience == 1 ? "" : "s")}");
        if (bad.Count == recent.Count)
            return head + string.Create(c, $"the holdout loss was {value} in the last {patience} epoch{(patience == 1 ? "" : "s")} ({Epochs(bad)}), and a loss that is {value} never counts as an improvement");
        return head + string.Create(c, $"the holdout loss has not improved for {patience} epochs (it was {value} in {Epochs(bad)})");
    }
}
