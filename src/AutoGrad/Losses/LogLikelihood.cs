using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad.Losses;

/// <summary>
/// Log-likelihoods log p(y | θ) of common observation models, computed stably from the model's
/// raw outputs (logits, means, log standard deviations). They are building blocks: they return
/// one term per element or example, unreduced, and a custom loss is
/// <c>-(LogLikelihood.X(...)).Mean()</c> or any weighting of them. Their gradients come from the tape.
/// </summary>
public static class LogLikelihood
{
    /// <summary>
    /// Bernoulli: log p(y | z) = y·log σ(z) + (1 − y)·log σ(−z) = y·z − softplus(z), elementwise,
    /// for targets y ∈ [0, 1] (0/1 labels or soft labels) and logits z of the same shape.
    /// ∂/∂z = y − σ(z). Never computes log 0, whatever the logits' size.
    /// </summary>
    /// <exception cref="ShapeException">The shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, 1].</exception>
    public static Tensor Bernoulli(Tensor logits, Tensor targets, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "LogLikelihood.Bernoulli";
        LossGuards.NotNull(logits, nameof(logits));
        LossGuards.NotNull(targets, nameof(targets));
        LossGuards.SameShape(op, logits, "logits", targets, "targets");
        LossGuards.UnitInterval(op, targets, nameof(targets));
        using var _ = SourceSite.Enter("bernoulli_log_likelihood", file, line);
        return targets * logits - logits.Softplus();
    }

    /// <summary>
    /// Categorical with integer labels: log p(k | z) = log softmax(z)_k = z_k − log Σ_j e^{z_j},
    /// one term per row of logits [N, C] → [N]. ∂/∂z_j = y_j − softmax(z)_j with y the one-hot label.
    /// </summary>
    /// <exception cref="ShapeException">Logits are not [N, C].</exception>
    /// <exception cref="ArgumentException">The number of labels is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    public static Tensor Categorical(Tensor logits, ReadOnlySpan<int> labels, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        LossGuards.NotNull(logits, nameof(logits));
        LossGuards.Labels("LogLikelihood.Categorical", logits, "logits", labels);
        using var _ = SourceSite.Enter("categorical_log_likelihood", file, line);
        return logits.LogSoftmax(1).Gather(1, labels);
    }

    /// <summary>
    /// Categorical with target distributions t [N, C] (one-hot, or soft labels):
    /// Σ_j t_j·log softmax(z)_j per row → [N]. ∂/∂z_j = t_j − softmax(z)_j·Σ_k t_k (= t_j − softmax(z)_j when rows of t sum to 1).
    /// </summary>
    /// <exception cref="ShapeException">Logits are not [N, C] or targets differ in shape.</exception>
    public static Tensor Categorical(Tensor logits, Tensor targets, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        LossGuards.NotNull(logits, nameof(logits));
        LossGuards.NotNull(targets, nameof(targets));
        LossGuards.Distributions("LogLikelihood.Categorical", logits, targets);
        using var _ = SourceSite.Enter("categorical_log_likelihood", file, line);
        return (targets * logits.LogSoftmax(1)).Sum(1);
    }

    /// <summary>
    /// Gaussian with mean μ and log standard deviation s = log σ, elementwise with broadcasting:
    /// log N(y; μ, σ) = −log σ − ½·log 2π − (y − μ)²/(2σ²).
    /// ∂/∂μ = (y − μ)/σ², ∂/∂s = (y − μ)²/σ² − 1, ∂/∂y = −(y − μ)/σ². Parameterizing by log σ
    /// keeps σ positive without constraints.
    /// </summary>
    /// <exception cref="ShapeException">The three shapes do not broadcast together.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Gaussian(Tensor y, Tensor mean, Tensor logSigma, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "LogLikelihood.Gaussian";
        LossGuards.NotNull(y, nameof(y));
        LossGuards.NotNull(mean, nameof(mean));
        LossGuards.NotNull(logSigma, nameof(logSigma));
        Guard.SameDType(op, y, mean);
        Guard.SameDType(op, y, logSigma);
        if (!Shapes.TryBroadcast(y.ShapeArray, mean.ShapeArray, out var ym) || !Shapes.TryBroadcast(ym, logSigma.ShapeArray, out var all))
            throw ShapeErrors.NotBroadcastable(op, ("y", y.ShapeArray), ("mean", mean.ShapeArray), ("logSigma", logSigma.ShapeArray));
        using var _ = SourceSite.Enter("gaussian_log_likelihood", file, line);
        var z = (y - mean) * (-logSigma).Exp();
        return -logSigma - 0.5 * Math.Log(2 * Math.PI) - 0.5 * z.Square();
    }
}
