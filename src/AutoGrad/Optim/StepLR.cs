namespace AutoGrad.Optim;

/// <summary>
/// Step decay: the rate is multiplied by γ every <c>stepSize</c> steps,
/// <c>η(t) = η₀·γ^⌊t / stepSize⌋</c> (PyTorch's StepLR; default γ = 0.1).
/// </summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Creates the schedule on <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">stepSize ≤ 0 or gamma outside (0, 1].</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        Guard.Positive(nameof(StepLR), nameof(stepSize), stepSize);
        CheckGamma(nameof(StepLR), gamma);
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between two decays.</summary>
    public int StepSize { get; }

    /// <summary>Factor applied at each decay, in (0, 1].</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override string Kind => "step";

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> Arguments() => [new("step_size", StepSize), new("gamma", Gamma)];

    /// <inheritdoc/>
    protected override double Rate(int t) => BaseLearningRate * Math.Pow(Gamma, t / StepSize);

    internal static void CheckGamma(string op, double gamma)
    {
        if (!(double.IsFinite(gamma) && gamma > 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"{op}: gamma must be in (0, 1], got {gamma}");
    }
}
