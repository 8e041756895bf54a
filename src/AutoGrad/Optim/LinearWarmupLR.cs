namespace AutoGrad.Optim;

/// <summary>
/// Linear warm-up: the rate climbs from <c>startFactor·η₀</c> to η₀ over the first
/// <c>warmupSteps</c> steps, <c>η(t) = η₀·(f + (1 − f)·t/W)</c> for t &lt; W (PyTorch's
/// <c>LinearLR(start_factor=f, total_iters=W)</c>), then follows <c>then</c>'s closed
/// form from its own t = 0 (PyTorch's <c>SequentialLR</c> of the two), or stays at η₀.
/// </summary>
/// <remarks>
/// Build <c>then</c> on the same optimizer first (its η₀ is the optimizer's rate then), and step
/// only the warm-up: <c>new LinearWarmupLR(opt, 5, then: new CosineAnnealingLR(opt, 45))</c>.
/// </remarks>
public sealed class LinearWarmupLR : LRScheduler
{
    /// <summary>Creates the warm-up on <paramref name="optimizer"/> and sets its rate to η(0) = f·η₀.</summary>
    /// <exception cref="ArgumentOutOfRangeException">warmupSteps ≤ 0 or startFactor outside (0, 1].</exception>
    /// <exception cref="ArgumentException"><paramref name="then"/> sets another optimizer's rate.</exception>
    public LinearWarmupLR(Optimizer optimizer, int warmupSteps, double startFactor = 0.1, LRScheduler? then = null) : base(optimizer)
    {
        Guard.Positive(nameof(LinearWarmupLR), nameof(warmupSteps), warmupSteps);
        if (!(double.IsFinite(startFactor) && startFactor > 0 && startFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, $"{nameof(LinearWarmupLR)}: startFactor must be in (0, 1], got {startFactor}");
        if (then is not null && !ReferenceEquals(then.Optimizer, optimizer))
            throw new ArgumentException($"{nameof(LinearWarmupLR)}: the schedule after the warm-up ({then.GetType().Name}) sets another optimizer's rate", nameof(then));
        WarmupSteps = warmupSteps;
        StartFactor = startFactor;
        Then = then;
        Seek(0);
    }

    /// <summary>Steps of the warm-up (W).</summary>
    public int WarmupSteps { get; }

    /// <summary>η(0)/η₀ (f).</summary>
    public double StartFactor { get; }

    /// <summary>The schedule followed after the warm-up, or null to stay at η₀.</summary>
    public LRScheduler? Then { get; }

    /// <inheritdoc/>
    public override string Kind => "warmup";

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> Arguments() => [new("warmup_steps", WarmupSteps), new("start_factor", StartFactor)];

    /// <inheritdoc/>
    protected override double Rate(int t) =>
        t < WarmupSteps ? BaseLearningRate * (StartFactor + (1 - StartFactor) * t / WarmupSteps)
        : Then?.RateAt(t - WarmupSteps) ?? BaseLearningRate;
}
