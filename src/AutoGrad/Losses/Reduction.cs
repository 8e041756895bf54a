namespace AutoGrad.Losses;

/// <summary>How a loss combines its per-element (or per-example) terms ℓᵢ.</summary>
public enum Reduction
{
    /// <summary>(1/n) Σ ℓᵢ: the gradient of each term is divided by n (the empirical risk of note 003, the minibatch average of note 001).</summary>
    Mean,

    /// <summary>Σ ℓᵢ: the summed losses of notes 000 and 002.</summary>
    Sum,

    /// <summary>No reduction: the tensor of the ℓᵢ (for weighting or masking before reducing yourself).</summary>
    None,
}
