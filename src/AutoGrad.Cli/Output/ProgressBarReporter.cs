using AutoGrad.Cli.Training;
using Spectre.Console;

namespace AutoGrad.Cli.Output;

/// <summary>A Spectre.Console progress bar per epoch, labelled with the epoch's metrics when it ends.</summary>
public sealed class ProgressBarReporter : IEpochReporter
{
    private ProgressContext? _context;
    private ProgressTask? _task;
    private readonly List<string> _messages = [];

    public void Run(Action<IEpochReporter> training)
    {
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                _context = ctx;
                training(this);
            });
        foreach (var m in _messages) AnsiConsole.MarkupLine(Markup.Escape(m));
    }

    public void BeginEpoch(int epoch, int epochs, int batches) =>
        _task = _context!.AddTask($"epoch {epoch}/{epochs}", maxValue: batches);

    public void Advance() => _task?.Increment(1);

    public void EndEpoch(EpochResult r, int epochs)
    {
        if (_task is null) return;
        _task.Value = _task.MaxValue;
        _task.Description = Markup.Escape(Compact(r, epochs));
        _task.StopTask();
    }

    public void Message(string text) => _messages.Add(text);

    /// <summary>The epoch's metrics in few enough columns to sit beside a bar in an 80-column terminal.</summary>
    private static string Compact(EpochResult r, int epochs)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string line = string.Format(c, "{0}/{1} loss {2:F3}", r.Epoch, epochs, r.TrainLoss);
        if (double.IsFinite(r.TrainAccuracy)) line += string.Format(c, " acc {0:F1}%", 100 * r.TrainAccuracy);
        if (r.HoldoutLoss is double hl)
            line += string.Format(c, " | holdout {0:F3}", hl) + (r.HoldoutAccuracy is double ha && double.IsFinite(ha) ? string.Format(c, " {0:F1}%", 100 * ha) : "");
        return line;
    }
}
