namespace AutoGrad.Optim;

/// <summary>
/// A learning-rate schedule: a closed form η(t) of the schedule's step count t, written into an
/// optimizer's <see cref="Optimizer.LearningRate"/> by <see cref="Step"/>. Call <see cref="Step"/>
/// once per epoch (η changes between epochs) or once per minibatch (t counts updates); the schedule
/// does not care which, only the units of its arguments change.
/// </summary>
/// <remarks>
/// η(0) is the optimizer's learning rate when the schedule is created (<see cref="BaseLearningRate"/>).
/// Because the rate is a function of t, a resumed run gets the same rates after <see cref="Seek"/>.
/// </remarks>
public abstract class LRScheduler : IScheduleState
{
    /// <summary>Attaches the schedule to <paramref name="optimizer"/>; its current rate becomes η(0).</summary>
    protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLearningRate = optimizer.LearningRate;
    }

    /// <summary>The optimizer whose rate this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>η(0): the optimizer's rate when the schedule was created (or the one a loaded state had).</summary>
    public double BaseLearningRate { get; private set; }

    /// <inheritdoc/>
    public abstract string Kind { get; }

    /// <summary>The schedule's own arguments (γ, step size, T, ...) by name, as saved in checkpoints.</summary>
    protected abstract IEnumerable<KeyValuePair<string, double>> Arguments();

    /// <summary>t, η(0) and the schedule's arguments: what a checkpoint keeps to resume the schedule.</summary>
    public IReadOnlyDictionary<string, double> State()
    {
        var d = new OrderedDictionary<string, double> { ["t"] = StepCount, ["base_lr"] = BaseLearningRate };
        foreach (var (k, v) in Arguments()) d[k] = v;
        return d;
    }

    /// <summary>
    /// Resumes from <see cref="State"/>: η(0) and t are restored and the optimizer's rate set to η(t).
    /// The schedule's arguments must equal the saved ones (they are this schedule's definition).
    /// </summary>
    /// <exception cref="ArgumentException">A value is missing, or an argument differs from this schedule's.</exception>
    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string op = $"{GetType().Name}.LoadState";
        double Get(string k) => state.TryGetValue(k, out var v) ? v : throw new ArgumentException($"{op}: the state has no '{k}' (it has: {string.Join(", ", state.Keys)})", nameof(state));
        double t = Get("t"), baseLr = Get("base_lr");
        if (!(t >= 0 && t <= int.MaxValue && t == Math.Floor(t))) throw new ArgumentException($"{op}: t must be a whole number >= 0, got {t}", nameof(state));
        Guard.Positive(op, "base_lr", baseLr);
        foreach (var (k, v) in Arguments())
            if (Get(k) != v) throw new ArgumentException($"{op}: the state's {k} is {Get(k)} but this schedule's is {v}; build the schedule with the saved arguments", nameof(state));
        BaseLearningRate = baseLr;
        Seek((int)t);
    }

    /// <summary>Number of <see cref="Step"/> calls (t).</summary>
    public int StepCount { get; private set; }

    /// <summary>The optimizer's current learning rate.</summary>
    public double LearningRate => Optimizer.LearningRate;

    /// <summary>The schedule's learning rate after <paramref name="t"/> steps (t ≥ 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">t is negative.</exception>
    public double RateAt(int t)
    {
        Guard.NonNegative(GetType().Name, nameof(t), t);
        return Rate(t);
    }

    /// <summary>The closed form η(t), for t ≥ 0.</summary>
    protected abstract double Rate(int t);

    /// <summary>
    /// Advances t by one and sets the optimizer's rate to η(t); returns the new rate. Inside
    /// <see cref="Memory.StepPlan.Capture"/> it is recorded as a step action, so every replay advances t.
    /// </summary>
    public double Step()
    {
        Launch.Run(new AdvanceLaunch(this));
        return Optimizer.LearningRate;
    }

    /// <summary>t ← t + 1 and the optimizer's rate ← η(t): a launch, so each replay of a captured step advances the schedule.</summary>
    private readonly struct AdvanceLaunch(LRScheduler scheduler) : ILaunch
    {
        public void Run()
        {
            scheduler.StepCount++;
            scheduler.Optimizer.SetScheduledLearningRate(scheduler.Rate(scheduler.StepCount));
        }
    }

    /// <summary>Sets t (e.g. when resuming from a checkpoint) and the optimizer's rate to η(t).</summary>
    /// <exception cref="ArgumentOutOfRangeException">t is negative.</exception>
    public void Seek(int t)
    {
        Guard.NonNegative(GetType().Name, nameof(t), t);
        StepCount = t;
        Optimizer.SetScheduledLearningRate(Rate(t));
    }
}
