namespace AutoGrad.Optim;

/// <summary>Exponential decay: <c>η(t) = η₀·γᵗ</c> (PyTorch's ExponentialLR).</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Creates the schedule on <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">gamma outside (0, 1].</exception>
    public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer)
    {
        StepLR.CheckGamma(nameof(ExponentialLR), gamma);
        Gamma = gamma;
    }

    /// <summary>Factor applied at every step, in (0, 1].</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override string Kind => "exponential";

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> Arguments() => [new("gamma", Gamma)];

    /// <inheritdoc/>
    protected override double Rate(int t) => BaseLearningRate * Math.Pow(Gamma, t);
}
