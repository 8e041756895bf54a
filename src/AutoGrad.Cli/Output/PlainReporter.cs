using System.Globalization;
using AutoGrad.Cli.Training;

namespace AutoGrad.Cli.Output;

/// <summary>One line per epoch, for redirected output and logs.</summary>
public sealed class PlainReporter(TextWriter output) : IEpochReporter
{
    public void Run(Action<IEpochReporter> training) => training(this);

    public void BeginEpoch(int epoch, int epochs, int batches) { }

    public void Advance() { }

    public void EndEpoch(EpochResult r, int epochs) => output.WriteLine(Format(r, epochs));

    public void Message(string text) => output.WriteLine(text);

    public static string Format(EpochResult r, int epochs)
    {
        var c = CultureInfo.InvariantCulture;
        string width = epochs.ToString(c).Length.ToString(c);
        // A regression (a time series) has no accuracy: NaN, and the column is left out.
        string line = string.Format(c, "epoch {0," + width + "}/{1}  train loss {2:F4}", r.Epoch, epochs, r.TrainLoss);
        if (double.IsFinite(r.TrainAccuracy)) line += string.Format(c, " acc {0:F2}%", 100 * r.TrainAccuracy);
        if (r.HoldoutLoss is double hl)
            line += string.Format(c, "  holdout loss {0:F4}", hl) + (r.HoldoutAccuracy is double ha && double.IsFinite(ha) ? string.Format(c, " acc {0:F2}%", 100 * ha) : "");
        return line + string.Format(c, "  ({0:F1} s)", r.Seconds);
    }
}
