using System.Globalization;
using AutoGrad.NN;

namespace AutoGrad.Training;

/// <summary>
/// Early stopping (seed 003 L1395-1402: train "until the performance on the validation set starts
/// getting worse"): feed it the validation metric after every epoch with <see cref="Update"/>; it
/// says stop once <see cref="Patience"/> epochs in a row brought no improvement. An epoch improves
/// when its value beats the best so far by more than <see cref="MinDelta"/>:
/// <c>value &lt; best − minDelta</c> in <see cref="EarlyStoppingMode.Min"/> mode,
/// <c>value &gt; best + minDelta</c> in <see cref="EarlyStoppingMode.Max"/> mode. A NaN value never improves.
/// </summary>
/// <remarks>
/// With a model, the parameters' values at the best epoch are copied (into buffers allocated
/// once) and <see cref="RestoreBestWeights"/> writes them back into the same tensors. The notes
/// give no patience rule; this is the Keras/Lightning one.
/// </remarks>
public sealed class EarlyStopping
{
    private readonly ParameterSnapshot? _best;

    /// <summary>Creates the rule; pass <paramref name="model"/> to keep its best weights.</summary>
    /// <param name="patience">Epochs without improvement to tolerate before stopping (≥ 1).</param>
    /// <param name="minDelta">Smallest change that counts as an improvement (≥ 0).</param>
    /// <param name="mode">Whether lower (loss) or higher (accuracy) is better.</param>
    /// <param name="model">If given, its parameter values at the best epoch are kept for <see cref="RestoreBestWeights"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">patience &lt; 1 or minDelta negative or not finite.</exception>
    public EarlyStopping(int patience, double minDelta = 0, EarlyStoppingMode mode = EarlyStoppingMode.Min, Module? model = null)
    {
        Guard.Positive(nameof(EarlyStopping), nameof(patience), patience);
        Guard.NonNegativeNumber(nameof(EarlyStopping), nameof(minDelta), minDelta);
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"EarlyStopping: unknown mode {mode}");
        Patience = patience;
        MinDelta = minDelta;
        Mode = mode;
        if (model is not null) _best = new ParameterSnapshot(model);
        BestValue = mode == EarlyStoppingMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Smallest improvement that counts.</summary>
    public double MinDelta { get; }

    /// <summary>Min (loss) or max (accuracy).</summary>
    public EarlyStoppingMode Mode { get; }

    /// <summary>The best value seen (±∞ before the first finite one).</summary>
    public double BestValue { get; private set; }

    /// <summary>The epoch (0-based count of <see cref="Update"/> calls) of the best value; −1 before any.</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>Number of <see cref="Update"/> calls.</summary>
    public int Epochs { get; private set; }

    /// <summary>Consecutive epochs without improvement so far.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>True once <see cref="Patience"/> epochs in a row brought no improvement.</summary>
    public bool ShouldStop => EpochsWithoutImprovement >= Patience;

    /// <summary>
    /// Records one epoch's validation metric; snapshots the model's weights when it improves.
    /// Returns <see cref="ShouldStop"/>.
    /// </summary>
    public bool Update(double value)
    {
        bool improved = Mode == EarlyStoppingMode.Min ? value < BestValue - MinDelta : value > BestValue + MinDelta;
        if (improved)
        {
            BestValue = value;
            BestEpoch = Epochs;
            EpochsWithoutImprovement = 0;
            _best?.Capture();
        }
        else
        {
            EpochsWithoutImprovement++;
        }
        Epochs++;
        return ShouldStop;
    }

    /// <summary>
    /// Writes the weights of the best epoch back into the model's parameter tensors. Returns
    /// false (changing nothing) if no model was given or no epoch improved yet.
    /// </summary>
    public bool RestoreBestWeights()
    {
        if (_best is null || BestEpoch < 0) return false;
        _best.Restore();
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"early stopping ({Mode}, patience {Patience}, min delta {MinDelta}): best {BestValue} at epoch {BestEpoch}, {EpochsWithoutImprovement} epochs without improvement");
}
