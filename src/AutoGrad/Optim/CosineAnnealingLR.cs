namespace AutoGrad.Optim;

/// <summary>
/// Cosine annealing from η₀ down to a minimum over <c>tMax</c> steps, then held there:
/// <c>η(t) = η_min + (η₀ − η_min)·(1 + cos(π·min(t, T)/T))/2</c> (PyTorch's CosineAnnealingLR
/// closed form, which instead rises again after T).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Creates the schedule on <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">tMax ≤ 0, or minLearningRate outside [0, η₀].</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double minLearningRate = 0) : base(optimizer)
    {
        Guard.Positive(nameof(CosineAnnealingLR), nameof(tMax), tMax);
        Guard.InRange(nameof(CosineAnnealingLR), nameof(minLearningRate), minLearningRate, 0, BaseLearningRate);
        TMax = tMax;
        MinLearningRate = minLearningRate;
    }

    /// <summary>Steps T to reach the minimum.</summary>
    public int TMax { get; }

    /// <summary>The minimum η_min reached at t = T.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    public override string Kind => "cosine";

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> Arguments() => [new("t_max", TMax), new("min_lr", MinLearningRate)];

    /// <inheritdoc/>
    protected override double Rate(int t)
    {
        if (t >= TMax) return MinLearningRate;
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * t / TMax)) / 2;
    }
}
