namespace AutoGrad.Optim;

/// <summary>
/// Divides the rate when a watched metric (a validation loss) stops improving, as PyTorch's
/// <c>ReduceLROnPlateau</c> (mode min, relative threshold): after more than <c>patience</c> epochs
/// without an improvement better than <c>threshold</c> (relative), <c>η ← max(factor·η, η_min)</c>,
/// then <c>cooldown</c> epochs in which bad epochs are not counted. Call <see cref="Step"/> once per
/// epoch with the metric. Not a closed form of t, so it is not an <see cref="LRScheduler"/>; its
/// counters go into checkpoints like a schedule's (<see cref="IScheduleState"/>).
/// </summary>
/// <remarks>A NaN metric is never an improvement (it counts as a bad epoch), as in PyTorch; a loss that is NaN is better caught by the training loop's divergence check.</remarks>
public sealed class ReduceLROnPlateau : IScheduleState
{
    /// <summary>Creates the schedule on <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">The optimizer whose rate is reduced.</param>
    /// <param name="factor">The multiplier of a reduction, in (0, 1).</param>
    /// <param name="patience">Bad epochs tolerated before a reduction (≥ 0).</param>
    /// <param name="threshold">Relative improvement that counts: metric &lt; best·(1 − threshold) (≥ 0).</param>
    /// <param name="cooldown">Epochs after a reduction in which bad epochs are not counted (≥ 0).</param>
    /// <param name="minLearningRate">The floor η_min (≥ 0).</param>
    /// <param name="maximize">Watch a metric to maximize (accuracy) instead of minimize: mode max.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, double factor = 0.1, int patience = 10, double threshold = 1e-4, int cooldown = 0, double minLearningRate = 0, bool maximize = false)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        const string op = nameof(ReduceLROnPlateau);
        Guard.InRange(op, nameof(factor), factor, 0, 1, maxExclusive: true);
        if (factor == 0) throw new ArgumentOutOfRangeException(nameof(factor), factor, $"{op}: factor must be in (0, 1), got 0");
        Guard.NonNegative(op, nameof(patience), patience);
        Guard.NonNegativeNumber(op, nameof(threshold), threshold);
        Guard.NonNegative(op, nameof(cooldown), cooldown);
        Guard.NonNegativeNumber(op, nameof(minLearningRate), minLearningRate);
        (Optimizer, Factor, Patience, Threshold, Cooldown, MinLearningRate, Maximize) = (optimizer, factor, patience, threshold, cooldown, minLearningRate, maximize);
        Best = maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The optimizer whose rate this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The multiplier of a reduction.</summary>
    public double Factor { get; }

    /// <summary>Bad epochs tolerated before a reduction.</summary>
    public int Patience { get; }

    /// <summary>The relative improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>Epochs after a reduction in which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The floor η_min.</summary>
    public double MinLearningRate { get; }

    /// <summary>True for a metric to maximize.</summary>
    public bool Maximize { get; }

    /// <summary>The best metric so far (±∞ before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without an improvement (reset by an improvement, a reduction, or the cooldown).</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownLeft { get; private set; }

    /// <summary>Number of <see cref="Step"/> calls.</summary>
    public int StepCount { get; private set; }

    /// <summary>Number of reductions so far.</summary>
    public int Reductions { get; private set; }

    /// <inheritdoc/>
    public string Kind => "plateau";

    /// <summary>Takes one epoch's metric, reduces the rate if it has plateaued, and returns the (new) rate.</summary>
    public double Step(double metric)
    {
        StepCount++;
        // PyTorch's relative test, whatever the sign of the best value: min a < best·(1 − θ), max a > best·(1 + θ).
        bool better = Maximize ? metric > Best * (1 + Threshold) : metric < Best * (1 - Threshold);
        if (better) { Best = metric; BadEpochs = 0; }
        else BadEpochs++;
        if (CooldownLeft > 0) { CooldownLeft--; BadEpochs = 0; }
        if (BadEpochs > Patience)
        {
            double old = Optimizer.LearningRate, reduced = Math.Max(old * Factor, MinLearningRate);
            // As PyTorch: a change smaller than 1e-8 is not made.
            if (old - reduced > 1e-8)
            {
                Optimizer.SetScheduledLearningRate(reduced);
                Reductions++;
            }
            CooldownLeft = Cooldown;
            BadEpochs = 0;
        }
        return Optimizer.LearningRate;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> State() => new OrderedDictionary<string, double>
    {
        ["t"] = StepCount, ["best"] = Best, ["bad_epochs"] = BadEpochs, ["cooldown_left"] = CooldownLeft, ["reductions"] = Reductions,
        ["factor"] = Factor, ["patience"] = Patience, ["threshold"] = Threshold, ["cooldown"] = Cooldown, ["min_lr"] = MinLearningRate, ["maximize"] = Maximize ? 1 : 0,
    };

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A value is missing or out of range, or an argument differs from this schedule's.</exception>
    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        const string op = "ReduceLROnPlateau.LoadState";
        double Get(string k) => state.TryGetValue(k, out var v) ? v : throw new ArgumentException($"{op}: the state has no '{k}' (it has: {string.Join(", ", state.Keys)})", nameof(state));
        int Count(string k)
        {
            double v = Get(k);
            return v >= 0 && v <= int.MaxValue && v == Math.Floor(v) ? (int)v : throw new ArgumentException($"{op}: {k} must be a whole number >= 0, got {v}", nameof(state));
        }
        foreach (var (k, v) in new[] { ("factor", Factor), ("patience", Patience), ("threshold", Threshold), ("cooldown", Cooldown), ("min_lr", MinLearningRate), ("maximize", Maximize ? 1.0 : 0.0) })
            if (Get(k) != v) throw new ArgumentException($"{op}: the state's {k} is {Get(k)} but this schedule's is {v}; build the schedule with the saved arguments", nameof(state));
        (int t, int bad, int cool, int red, double best) = (Count("t"), Count("bad_epochs"), Count("cooldown_left"), Count("reductions"), Get("best"));
        (StepCount, BadEpochs, CooldownLeft, Reductions, Best) = (t, bad, cool, red, best);
    }
}
