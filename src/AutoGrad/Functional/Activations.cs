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

    /// <summary>Elementwise maximum of two tensors (broadcasting); the gradient goes to the larger (to a at ties).</summary>
    public static Tensor Maximum(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("maximum", file, line);
        return Where(Ge(a, b), a, b);
    }

    /// <summary>Elementwise minimum of two tensors (broadcasting); the gradient goes to the smaller (to a at ties).</summary>
    public static Tensor Minimum(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("minimum", file, line);
        return Where(Le(a, b), a, b);
    }

    /// <summary>Limits values to [min, max]; the gradient is 1 inside the range and 0 where clamped.</summary>
    /// <exception cref="ArgumentException">min &gt; max or a bound is NaN.</exception>
    public Tensor Clamp(double min, double max, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!(min <= max)) throw new ArgumentException($"clamp: need min <= max, got min {min}, max {max}");
        using var _ = SourceSite.Enter("clamp", file, line);
        var lo = Where(Ge(min), this, min);
        return Where(lo.Le(max), lo, max);
    }
}
