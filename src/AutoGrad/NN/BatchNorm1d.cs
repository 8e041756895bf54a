namespace AutoGrad.NN;

/// <summary>
/// Batch normalization of [N, C] or [N, C, L] per channel C, as <c>torch.nn.BatchNorm1d</c>; see
/// <see cref="BatchNorm"/> for training and evaluation.
/// </summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer: γ = 1, β = 0, running mean 0, running variance 1 (PyTorch's defaults).</summary>
    /// <param name="numFeatures">C.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Weight of each batch in the running statistics.</param>
    /// <param name="affine">Learn γ and β.</param>
    /// <param name="trackRunningStats">Keep running statistics for evaluation.</param>
    /// <param name="dtype">Dtype of the parameters and buffers.</param>
    /// <exception cref="ArgumentOutOfRangeException">numFeatures is not positive, eps is negative or momentum is outside [0, 1].</exception>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
    {
    }

    /// <inheritdoc/>
    protected override string Ranks => "2 ([N, C]) or 3 ([N, C, L])";

    /// <inheritdoc/>
    protected override bool Accepts(int rank) => rank is 2 or 3;
}
