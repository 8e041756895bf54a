using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad.Losses;

/// <summary>
/// Loss functions, each a composition of tensor ops whose gradient the tape computes. Each takes a
/// <see cref="Reduction"/>: <see cref="Reduction.Mean"/> divides by the number of terms (elements
/// for elementwise losses, rows for the classification losses), <see cref="Reduction.Sum"/> adds
/// them, <see cref="Reduction.None"/> returns them. The derivative stated for each is that of one
/// term ℓᵢ; with Mean it is divided by n.
/// </summary>
public static class Loss
{
    /// <summary>Combines per-term losses: mean, sum, or the terms themselves. Use it to finish a custom loss.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown reduction.</exception>
    public static Tensor Reduce(Tensor terms, Reduction reduction, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        LossGuards.NotNull(terms, nameof(terms));
        LossGuards.ReductionDefined("Loss.Reduce", reduction);
        return reduction switch
        {
            Reduction.Mean => terms.Mean(null, false, file, line),
            Reduction.Sum => terms.Sum(null, false, file, line),
            _ => terms,
        };
    }

    /// <summary>
    /// Squared error ℓᵢ = (oᵢ − yᵢ)², elementwise; with the default <see cref="Reduction.Mean"/>
    /// this is the mean squared error (1/n)·Σ(oᵢ − yᵢ)². dℓᵢ/doᵢ = 2(oᵢ − yᵢ). With
    /// <see cref="Reduction.Sum"/> it is note 000's linear-regression error Σ(yᵢ − oᵢ)², whose
    /// gradient −2Σ(yᵢ − oᵢ)xᵢ the note derives.
    /// </summary>
    /// <exception cref="ShapeException">Prediction and target shapes differ.</exception>
    public static Tensor SquaredError(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "Loss.SquaredError";
        LossGuards.NotNull(prediction, nameof(prediction));
        LossGuards.NotNull(target, nameof(target));
        LossGuards.SameShape(op, prediction, "prediction", target, "target");
        LossGuards.ReductionDefined(op, reduction);
        using var _ = SourceSite.Enter("squared_error", file, line);
        return Reduce((prediction - target).Square(), reduction);
    }

    /// <summary>
    /// Half squared error ℓᵢ = ½(oᵢ − yᵢ)², summed by default: E = ½Σ(yᵢ − oᵢ)², the loss of
    /// notes 000 (sigmoid unit, backprop), 002 and 003. dℓᵢ/doᵢ = oᵢ − yᵢ, the "½ for convenience".
    /// </summary>
    /// <exception cref="ShapeException">Prediction and target shapes differ.</exception>
    public static Tensor HalfSquaredError(Tensor prediction, Tensor target, Reduction reduction = Reduction.Sum, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "Loss.HalfSquaredError";
        LossGuards.NotNull(prediction, nameof(prediction));
        LossGuards.NotNull(target, nameof(target));
        LossGuards.SameShape(op, prediction, "prediction", target, "target");
        LossGuards.ReductionDefined(op, reduction);
        using var _ = SourceSite.Enter("half_squared_error", file, line);
        return Reduce((prediction - target).Square() * 0.5, reduction);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities o ∈ [0, 1] and targets y ∈ [0, 1]:
    /// ℓᵢ = −[yᵢ·log oᵢ + (1 − yᵢ)·log(1 − oᵢ)] (note 000's exercise, note 001 with its sign typo
    /// fixed). dℓ/do = (o − y)/(o(1 − o)), so through a sigmoid dℓ/dz = o − y.
    /// To stay finite at o = 0 or 1, o is clamped to [ε, 1 − ε] first, where the gradient is 0:
    /// prefer <see cref="BinaryCrossEntropyWithLogits"/>, exact and stable for any logit.
    /// </summary>
    /// <param name="probabilities">Predicted P(y = 1).</param>
    /// <param name="targets">0/1 labels or soft labels, same shape.</param>
    /// <param name="reduction">Mean (default), Sum or None.</param>
    /// <param name="epsilon">Clamp margin ε in (0, 0.5); the default 1e-7 bounds each term by about 16.1.</param>
    /// <param name="file">Recorded source file (filled in by the compiler).</param>
    /// <param name="line">Recorded source line (filled in by the compiler).</param>
    /// <exception cref="ShapeException">Shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability or target is outside [0, 1], or ε is outside (0, 0.5).</exception>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets, Reduction reduction = Reduction.Mean, double epsilon = 1e-7, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "Loss.BinaryCrossEntropy";
        LossGuards.NotNull(probabilities, nameof(probabilities));
        LossGuards.NotNull(targets, nameof(targets));
        LossGuards.SameShape(op, probabilities, "probabilities", targets, "targets");
        LossGuards.ReductionDefined(op, reduction);
        if (!(epsilon > 0 && epsilon < 0.5))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{op}: epsilon must be in (0, 0.5), got {epsilon}");
        LossGuards.UnitInterval(op, probabilities, nameof(probabilities));
        LossGuards.UnitInterval(op, targets, nameof(targets));
        using var _ = SourceSite.Enter("binary_cross_entropy", file, line);
        var o = probabilities.Clamp(epsilon, 1 - epsilon);
        return Reduce(-(targets * o.Log() + (1.0 - targets) * (1.0 - o).Log()), reduction);
    }

    /// <summary>
    /// Binary cross-entropy on logits z (o = σ(z)), computed stably as
    /// ℓᵢ = softplus(zᵢ) − yᵢ·zᵢ = −log-likelihood of <see cref="LogLikelihood.Bernoulli"/>.
    /// dℓ/dz = σ(z) − y: the logistic-regression gradient (o − y)·x of notes 000, 001 and 003,
    /// which does not vanish when the prediction is confidently wrong.
    /// </summary>
    /// <exception cref="ShapeException">Shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, 1].</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        LossGuards.ReductionDefined("Loss.BinaryCrossEntropyWithLogits", reduction);
        using var _ = SourceSite.Enter("binary_cross_entropy_with_logits", file, line);
        return Reduce(-LogLikelihood.Bernoulli(logits, targets), reduction);
    }

    /// <summary>
    /// Softmax cross-entropy (the log-likelihood cost of notes 001-003) on logits z [N, C] with
    /// integer labels kᵢ ∈ [0, C): ℓᵢ = −log softmax(zᵢ)_{kᵢ} = log Σ_j e^{z_ij} − z_{i,kᵢ}.
    /// dℓᵢ/dz_ij = a_ij − y_ij with a = softmax(zᵢ) and y the one-hot label (divided by N for the
    /// mean). Stable for any logits (log-sum-exp).
    /// </summary>
    /// <exception cref="ShapeException">Logits are not [N, C].</exception>
    /// <exception cref="ArgumentException">The number of labels is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, ReadOnlySpan<int> labels, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        LossGuards.ReductionDefined("Loss.SoftmaxCrossEntropy", reduction);
        LossGuards.NotNull(logits, nameof(logits));
        LossGuards.Labels("Loss.SoftmaxCrossEntropy", logits, "logits", labels);
        using var _ = SourceSite.Enter("softmax_cross_entropy", file, line);
        return Reduce(-LogLikelihood.Categorical(logits, labels), reduction);
    }

    /// <summary>
    /// Softmax cross-entropy with target distributions t [N, C] (one-hot rows, as note 002's
    /// −Σ Y ⊙ log Ŷ, or soft labels): ℓᵢ = −Σ_j t_ij·log softmax(zᵢ)_j.
    /// dℓᵢ/dz_ij = a_ij·Σ_k t_ik − t_ij (= a − t for rows summing to 1).
    /// </summary>
    /// <exception cref="ShapeException">Logits are not [N, C] or targets differ in shape.</exception>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        LossGuards.ReductionDefined("Loss.SoftmaxCrossEntropy", reduction);
        LossGuards.NotNull(logits, nameof(logits));
        LossGuards.NotNull(targets, nameof(targets));
        LossGuards.Distributions("Loss.SoftmaxCrossEntropy", logits, targets);
        using var _ = SourceSite.Enter("softmax_cross_entropy", file, line);
        return Reduce(-LogLikelihood.Categorical(logits, targets), reduction);
    }

    /// <summary>
    /// Negative log-likelihood on log-probabilities [N, C] (e.g. the output of
    /// <c>LogSoftmax(1)</c>) with integer labels: ℓᵢ = −log p_{i,kᵢ}; dℓᵢ/d(log p_ij) = −[j = kᵢ].
    /// NLL of log-softmax is <see cref="SoftmaxCrossEntropy(Tensor, ReadOnlySpan{int}, Reduction, string, int)"/>.
    /// </summary>
    /// <exception cref="ShapeException">The input is not [N, C].</exception>
    /// <exception cref="ArgumentException">The number of labels is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    public static Tensor NegativeLogLikelihood(Tensor logProbabilities, ReadOnlySpan<int> labels, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "Loss.NegativeLogLikelihood";
        LossGuards.ReductionDefined(op, reduction);
        LossGuards.NotNull(logProbabilities, nameof(logProbabilities));
        LossGuards.Labels(op, logProbabilities, "logProbabilities", labels);
        using var _ = SourceSite.Enter("negative_log_likelihood", file, line);
        return Reduce(-logProbabilities.Gather(1, labels), reduction);
    }

    /// <summary>
    /// The perceptron criterion on scores s = ⟨w, x⟩ and labels y ∈ {−1, +1}: ℓᵢ = max(0, −yᵢsᵢ),
    /// summed by default. dℓ/ds = −y on a mistake, else 0, where a mistake means
    /// sgn(s) ≠ y with the notes' sgn(0) = −1: at the kink s = 0 the gradient is −y for y = +1
    /// (predicted −1, a mistake) and 0 for y = −1 (correct). So one SGD step with learning rate 1
    /// on one example is exactly the perceptron rule w ← w + ((y − ŷ)/2)·x of note 000.
    /// </summary>
    /// <exception cref="ShapeException">Shapes differ.</exception>
    /// <exception cref="ArgumentException">A target is not −1 or +1.</exception>
    public static Tensor PerceptronCriterion(Tensor scores, Tensor targets, Reduction reduction = Reduction.Sum, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "Loss.PerceptronCriterion";
        LossGuards.NotNull(scores, nameof(scores));
        LossGuards.NotNull(targets, nameof(targets));
        LossGuards.SameShape(op, scores, "scores", targets, "targets");
        LossGuards.ReductionDefined(op, reduction);
        LossGuards.PlusMinusOne(op, targets);
        using var _ = SourceSite.Enter("perceptron_criterion", file, line);
        Tensor mistakes;
        using (Tape.NoGrad())
        {
            var predicted = scores.Gt(0) * 2.0 - 1.0;
            mistakes = Tensor.Ne(predicted, targets.Detach());
        }
        // On a mistake −y·s ≥ 0, so this equals max(0, −y·s) everywhere, with the kink's gradient
        // chosen by the sgn(0) = −1 convention.
        return Reduce(Tensor.Where(mistakes, -(targets * scores), 0.0), reduction);
    }

    /// <summary>
    /// Hinge loss on scores s and labels y ∈ {−1, +1}: ℓᵢ = max(0, m − yᵢsᵢ) with margin m
    /// (default 1). dℓ/ds = −y where y·s &lt; m, else 0 (0 at the kink).
    /// </summary>
    /// <exception cref="ShapeException">Shapes differ.</exception>
    /// <exception cref="ArgumentException">A target is not −1 or +1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The margin is negative or not finite.</exception>
    public static Tensor Hinge(Tensor scores, Tensor targets, Reduction reduction = Reduction.Mean, double margin = 1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "Loss.Hinge";
        LossGuards.NotNull(scores, nameof(scores));
        LossGuards.NotNull(targets, nameof(targets));
        LossGuards.SameShape(op, scores, "scores", targets, "targets");
        LossGuards.ReductionDefined(op, reduction);
        Guard.NonNegativeNumber(op, nameof(margin), margin);
        LossGuards.PlusMinusOne(op, targets);
        using var _ = SourceSite.Enter("hinge", file, line);
        return Reduce((margin - targets * scores).Relu(), reduction);
    }

    /// <summary>
    /// Gaussian negative log-likelihood: ℓᵢ = log σ + ½·log 2π + (yᵢ − μᵢ)²/(2σ²) with
    /// s = log σ, elementwise with broadcasting (a scalar log σ shares one noise level).
    /// ∂ℓ/∂μ = −(y − μ)/σ², ∂ℓ/∂s = 1 − (y − μ)²/σ². With σ fixed it is the half squared error
    /// scaled by 1/σ², plus a constant.
    /// </summary>
    /// <exception cref="ShapeException">The shapes do not broadcast together.</exception>
    public static Tensor GaussianNegativeLogLikelihood(Tensor y, Tensor mean, Tensor logSigma, Reduction reduction = Reduction.Mean, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        LossGuards.ReductionDefined("Loss.GaussianNegativeLogLikelihood", reduction);
        using var _ = SourceSite.Enter("gaussian_negative_log_likelihood", file, line);
        return Reduce(-LogLikelihood.Gaussian(y, mean, logSigma), reduction);
    }
}
