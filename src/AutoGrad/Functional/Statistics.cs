using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>Mean over <paramref name="axes"/> (all when null): Σx / n; dy/dx = 1/n.</summary>
    /// <exception cref="ShapeException">An axis is out of range.</exception>
    public Tensor Mean(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("mean", file, line);
        var ax = Shapes.NormalizeAxesKept("mean", axes, Rank);
        long n = 1;
        foreach (int a in ax) n *= ShapeArray[a];
        return Sum(ax, keepDim) * (1.0 / n);
    }

    /// <summary>Mean over one axis.</summary>
    public Tensor Mean(int axis, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Mean([axis], keepDim, file, line);

    /// <summary>Minimum over axes, as −max(−x); the gradient goes to the minimal elements (ties share it).</summary>
    public Tensor Min(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("min", file, line);
        return -(-this).Max(axes, keepDim);
    }

    /// <summary>
    /// Variance over axes (all when null): Σ(x − mean x)² / (n − correction), n the number of
    /// elements reduced. The default correction 0 is the population variance (kept for existing
    /// callers); correction 1 is the unbiased estimate, which is PyTorch's default for torch.var.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">correction is negative, or n − correction ≤ 0 (PyTorch returns inf or NaN there).</exception>
    public Tensor Var(int[]? axes = null, bool keepDim = false, int correction = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        long n = ReducedCount("var", axes, correction);
        using var _ = SourceSite.Enter("var", file, line);
        var d = this - Mean(axes, keepDim: true);
        return (d * d).Sum(axes, keepDim) * (1.0 / (n - correction));
    }

    /// <summary>
    /// Standard deviation over axes: √<see cref="Var(int[], bool, int, string, int)"/>, with the same
    /// correction (default 0, the population value; PyTorch's torch.std defaults to 1). Its gradient
    /// is infinite where the deviation is 0 (all elements equal), as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">correction is negative, or n − correction ≤ 0.</exception>
    public Tensor Std(int[]? axes = null, bool keepDim = false, int correction = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ReducedCount("std", axes, correction);
        using var _ = SourceSite.Enter("std", file, line);
        return Var(axes, keepDim, correction, file, line).Sqrt();
    }

    private long ReducedCount(string op, int[]? axes, int correction)
    {
        Guard.NonNegative(op, nameof(correction), correction);
        var ax = Shapes.NormalizeAxesKept(op, axes, Rank);
        long n = 1;
        foreach (int a in ax) n *= ShapeArray[a];
        if (correction > 0 && n - correction <= 0)
            throw new ArgumentOutOfRangeException(nameof(correction), correction, $"{op}: correction {correction} leaves no degrees of freedom: the reduction over shape {Shapes.Format(ShapeArray)} has {n} element(s) each; need correction < {n}");
        return n;
    }

    /// <summary>
    /// The p-norm over axes (all when null), torch.linalg.vector_norm: (Σ|x|ᵖ)^{1/p} for a finite
    /// p ≥ 1, max |x| for p = ∞. At x = 0 the gradient is 0 for every p (PyTorch's choice, a
    /// subgradient); for p = ∞ ties in |x| share the gradient equally, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">p is NaN, below 1 or −∞.</exception>
    public Tensor Norm(double p = 2, int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!(p >= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"norm: p must be a number ≥ 1 or +∞, got {p}");
        using var _ = SourceSite.Enter("norm", file, line);
        if (p == 1) return Abs().Sum(axes, keepDim);
        if (double.IsPositiveInfinity(p)) return Abs().Max(axes, keepDim);
        var s = (p == 2 ? this * this : Abs().Pow(p)).Sum(axes, keepDim);
        // Where the sum is 0 the root is not differentiable: the taken branch is the constant 0,
        // and the untaken one sees a safe argument, so the gradient there is exactly 0.
        var positive = s.Gt(0);
        var safe = Where(positive, s, 1.0);
        return Where(positive, p == 2 ? safe.Sqrt() : safe.Pow(1 / p), 0.0);
    }

    /// <summary>
    /// Product along one axis (torch.prod with dim). Built from multiplications (the axis halved
    /// until one element is left), so the gradient Π_{j≠i} x_j is exact with any number of zeros
    /// in the input: one zero gives its position the product of the others, two or more give 0
    /// everywhere. An empty axis gives 1.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    public Tensor Prod(int axis, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("prod", axis, Rank);
        using var _ = SourceSite.Enter("prod", file, line);
        if (ShapeArray[a] == 0) return Sum(a, keepDim) + 1.0;
        var t = this;
        while (t.ShapeArray[a] > 1)
        {
            int n = t.ShapeArray[a], h = n / 2;
            var p = t.Slice(a, 0, h) * t.Slice(a, h, h);
            t = n % 2 == 0 ? p : Concat([p, t.Slice(a, n - 1, 1)], a);
        }
        return keepDim ? t : t.Squeeze(a);
    }

    /// <summary>Product of all elements (torch.prod without dim), exact with zeros like <see cref="Prod(int, bool, string, int)"/>.</summary>
    public Tensor Prod([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("prod", file, line);
        return Reshape([-1]).Prod(0, false, file, line);
    }

    /// <summary>
    /// Index of the smallest element along <paramref name="axis"/> for every position of the other
    /// axes (torch.argmin): the first one at ties; NaN counts as smallest. Not differentiable.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range or has size 0.</exception>
    /// <exception cref="InvalidOperationException">Called inside a <see cref="Memory.StepPlan"/> capture (it reads values into C#).</exception>
    public int[] ArgMin(int axis = -1)
    {
        Launch.HostCode("ArgMin", Launch.ReadRefusal);
        int a = Shapes.NormalizeAxis("argmin", axis, Rank);
        if (ShapeArray[a] == 0) throw ShapeErrors.EmptyReduction("argmin", ShapeArray, a);
        return Detach().Neg().ArgMax(a);
    }
}
