using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// Batch normalization over dimension 1 (the channels or features) of its input, the base of
/// <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/>, as PyTorch's <c>_BatchNorm</c>:
/// y = (x − μ)/√(σ² + eps)·γ + β per channel (<see cref="Tensor.BatchNorm"/>).
/// </summary>
/// <remarks>
/// <para>Training mode normalizes with the batch's mean and biased variance and updates the
/// running statistics (the buffers <c>running_mean</c>, initially 0, and <c>running_var</c>,
/// initially 1): r ← (1 − momentum)·r + momentum·batch statistic, the variance unbiased as in
/// PyTorch. Evaluation mode (<see cref="Module.Eval"/>) normalizes with the running statistics.
/// Without <c>trackRunningStats</c> there are no buffers and both modes use batch statistics.</para>
/// <para>γ (<c>weight</c>, initially 1) and β (<c>bias</c>, initially 0) are parameters when
/// <c>affine</c>. Inside <c>StepPlan.Capture</c> the mode is part of the capture: a replay after
/// it changed throws.</para>
/// </remarks>
public abstract class BatchNorm : Module
{
    /// <summary>Creates the layer's parameters and buffers.</summary>
    /// <exception cref="ArgumentOutOfRangeException">numFeatures is not positive, eps is negative or momentum is outside [0, 1].</exception>
    protected BatchNorm(int numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        string kind = GetType().Name;
        Guard.Positive(kind, nameof(numFeatures), numFeatures);
        Guard.NonNegativeNumber(kind, nameof(eps), eps);
        Guard.InRange(kind, nameof(momentum), momentum, 0, 1);
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(dtype, numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(dtype, numFeatures), isBias: true);
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(dtype, numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(dtype, numFeatures));
        }
    }

    /// <summary>Number of channels (C, dimension 1 of the input).</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Weight of each batch's statistics in the running update.</summary>
    public double Momentum { get; }

    /// <summary>γ, [C], or null without affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, [C], or null without affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>The running mean buffer, [C], or null without trackRunningStats.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>The running (unbiased) variance buffer, [C], or null without trackRunningStats.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>
    /// PyTorch's <c>num_batches_tracked</c> (with running statistics): this layer does not count
    /// batches (its momentum is never <c>None</c>), so a state dict from PyTorch may hold the count and
    /// <see cref="Module.LoadStateDict"/> ignores it; <see cref="Module.StateDict"/> does not write it.
    /// </summary>
    protected override IEnumerable<string> IgnoredStateNames => RunningMean is null ? [] : ["num_batches_tracked"];

    /// <summary>The ranks the layer accepts, as the error states them (e.g. <c>4 ([N, C, H, W])</c>).</summary>
    protected abstract string Ranks { get; }

    /// <summary>Whether the layer accepts an input of this rank.</summary>
    protected abstract bool Accepts(int rank);

    /// <summary>Normalizes with batch statistics (training) or the running ones (evaluation).</summary>
    /// <exception cref="ShapeException">The rank is not accepted, dimension 1 is not <see cref="NumFeatures"/>, or training has one value per channel.</exception>
    /// <exception cref="ArgumentException">The input's dtype differs from the layer's.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string kind = GetType().Name;
        if (!Accepts(input.Rank)) throw ShapeErrors.WrongRanks(kind, "the input", input.ShapeArray, Ranks);
        if (input.Shape[1] != NumFeatures)
            throw ShapeErrors.WrongShape(kind, "the input", input.ShapeArray, $"a layer with {NumFeatures} features",
                ShapeErrors.At(1, input.Shape[1], NumFeatures), $"[N, {NumFeatures}, ...]");
        if ((Weight ?? RunningMean) is { } state) Guard.SameDType(kind, input, state);
        Launch.Run(new SameModeLaunch(this, IsTraining));
        // Without running statistics PyTorch normalizes with the batch's in both modes.
        bool batchStatistics = IsTraining || RunningMean is null;
        using var _ = SourceSite.Enter(kind, "", 0);
        return Tensor.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, batchStatistics, Momentum, Eps, "", 0);
    }

    /// <summary>The mode a forward ran in: run again at a replay, it fails if the module is now in the other.</summary>
    private readonly struct SameModeLaunch(BatchNorm module, bool training) : ILaunch
    {
        public void Run()
        {
            if (module.IsTraining != training)
                throw new InvalidOperationException(
                    $"{module.GetType().Name}: the step was captured in {(training ? "training" : "evaluation")} mode but the module is now in {(module.IsTraining ? "training" : "evaluation")} mode; " +
                    "a StepPlan replays the captured mode. Capture one plan per mode, or run this step eagerly.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{GetType().Name}({NumFeatures}, eps={Eps}, momentum={Momentum}, affine={Weight is not null}, trackRunningStats={RunningMean is not null})";
}
