using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// L1 and L2 penalties: scalar tensors ADDED TO THE LOSS (<c>loss + Regularization.L2Penalty(model, 1e-4)</c>),
/// so their gradients flow through the tape, show up in gradient checks, and are scaled by the
/// optimizer's adaptive rules like any other term. Not to be confused with decoupled weight decay
/// (an optimizer option that shrinks weights outside the loss; in AdamW it differs from an L2 penalty).
/// </summary>
/// <remarks>
/// Biases are left out by default, as note 001 says ("the regularization term only includes the
/// regular connection weights, not the bias"); pass <c>includeBiases: true</c> to penalize them
/// too. The constants follow notes 000 and 003: (λ/2)·Σw² for L2 (gradient λw) and λ·Σ|w| for L1.
/// Note 001 divides by the minibatch size M (λ/(2M) and λ/M) because its loss is a mean over M
/// examples while its λ is per example: to get that, pass λ/M. A tensor that appears twice (a
/// weight tied into two layers, or listed twice) is penalized once.
/// </remarks>
public static class Regularization
{
    /// <summary>
    /// L2 penalty (λ/2)·Σ w² over the module's weights (and biases when asked).
    /// ∂/∂w = λ·w, so an SGD step multiplies w by (1 − ηλ) before the data-gradient step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    public static Tensor L2Penalty(Module module, double lambda, bool includeBiases = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(module);
        return L2Penalty(includeBiases ? module.Parameters() : module.Weights(), lambda, file, line);
    }

    /// <summary>L2 penalty (λ/2)·Σ w² over the given tensors; ∂/∂w = λ·w.</summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    /// <exception cref="ArgumentException">The tensors have different dtypes.</exception>
    public static Tensor L2Penalty(IEnumerable<Tensor> parameters, double lambda, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Guard.NonNegativeNumber("Regularization.L2Penalty", nameof(lambda), lambda);
        using var _ = SourceSite.Enter("l2_penalty", file, line);
        return SumOver("Regularization.L2Penalty", parameters, w => w.Square().Sum()) * (lambda / 2);
    }

    /// <summary>
    /// L1 penalty λ·Σ |w| over the module's weights (and biases when asked).
    /// ∂/∂w = λ·sgn(w), with sgn(0) = 0 (the subgradient that leaves a zero weight at zero); an
    /// SGD step moves every weight a constant ηλ toward zero, driving small weights to exactly 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    public static Tensor L1Penalty(Module module, double lambda, bool includeBiases = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(module);
        return L1Penalty(includeBiases ? module.Parameters() : module.Weights(), lambda, file, line);
    }

    /// <summary>L1 penalty λ·Σ |w| over the given tensors; ∂/∂w = λ·sgn(w).</summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    /// <exception cref="ArgumentException">The tensors have different dtypes.</exception>
    public static Tensor L1Penalty(IEnumerable<Tensor> parameters, double lambda, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Guard.NonNegativeNumber("Regularization.L1Penalty", nameof(lambda), lambda);
        using var _ = SourceSite.Enter("l1_penalty", file, line);
        return SumOver("Regularization.L1Penalty", parameters, w => w.Abs().Sum()) * lambda;
    }

    private static Tensor SumOver(string op, IEnumerable<Tensor> parameters, Func<Tensor, Tensor> term)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor? total = null;
        // A tensor listed twice (tied weights) is one set of weights: penalized once.
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!seen.Add(p)) continue;
            if (total is not null) Guard.SameDType(op, total, p);
            var t = term(p);
            total = total is null ? t : total + t;
        }
        // No weights (e.g. a model of activations only): the penalty is a constant 0.
        return total ?? Tensor.Scalar(0);
    }
}
