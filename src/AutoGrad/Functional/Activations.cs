using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>log σ(x) = −softplus(−x), stable for any x; d/dx = 1 − σ(x).</summary>
    public Tensor LogSigmoid([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("log_sigmoid", file, line);
        return -(-this).Softplus();
    }

    /// <summary>y = xᵇ elementwise for a tensor exponent, as e^{b·ln x}: defined for x &gt; 0.</summary>
    public static Tensor Pow(Tensor x, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("pow", file, line);
        return (b * x.Log()).Exp();
    }

    /// <summary>x²; d/dx = 2x.</summary>
    public Tensor Square([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Pow(2, file, line);

    /// <summary>
    /// Limits values to [min, max] (torch.clamp); NaN stays NaN (and, unlike PyTorch, passes the gradient). The gradient is 1 inside the closed
    /// range, boundaries included (x = min or x = max passes it, as in PyTorch), and 0 where clamped.
    /// Unlike PyTorch, min &gt; max is an error rather than every value set to max.
    /// </summary>
    /// <exception cref="ArgumentException">min &gt; max or a bound is NaN.</exception>
    public Tensor Clamp(double min, double max, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!(min <= max)) throw new ArgumentException($"clamp: need min <= max, got min {min}, max {max}");
        using var _ = SourceSite.Enter("clamp", file, line);
        return Where(Lt(min), min, Where(Gt(max), max, this));
    }

    /// <summary>SiLU (swish), x·σ(x) (torch.nn.functional.silu); d/dx = σ(x)(1 + x(1 − σ(x))).</summary>
    public Tensor Silu([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("silu", file, line);
        return this * Sigmoid();
    }

    /// <summary>
    /// GELU (torch.nn.functional.gelu): the exact x·Φ(x) = ½x(1 + erf(x/√2)), or with
    /// <paramref name="tanhApproximation"/> PyTorch's approximate="tanh" form
    /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// </summary>
    public Tensor Gelu(bool tanhApproximation = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("gelu", file, line);
        if (tanhApproximation)
            return this * 0.5 * (((this + this * this * this * 0.044715) * Math.Sqrt(2 / Math.PI)).Tanh() + 1.0);
        return this * 0.5 * ((this * (1 / Math.Sqrt(2))).Erf() + 1.0);
    }

    /// <summary>
    /// Leaky ReLU (torch.nn.functional.leaky_relu): x for x &gt; 0, negativeSlope·x otherwise. The
    /// gradient at x = 0 is negativeSlope, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">negativeSlope is not finite.</exception>
    public Tensor LeakyRelu(double negativeSlope = 0.01, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Guard.Finite("leaky_relu", nameof(negativeSlope), negativeSlope);
        using var _ = SourceSite.Enter("leaky_relu", file, line);
        return Where(Gt(0), this, this * negativeSlope);
    }

    /// <summary>
    /// ELU (torch.nn.functional.elu): x for x &gt; 0, α(eˣ − 1) otherwise. The gradient at x = 0 is
    /// α (the left branch's), as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">alpha is not finite.</exception>
    public Tensor Elu(double alpha = 1.0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Guard.Finite("elu", nameof(alpha), alpha);
        using var _ = SourceSite.Enter("elu", file, line);
        return Where(Gt(0), this, Expm1() * alpha);
    }
}
