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

    /// <summary>Population variance over axes: mean((x − mean x)²).</summary>
    public Tensor Var(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("var", file, line);
        var d = this - Mean(axes, keepDim: true);
        return (d * d).Mean(axes, keepDim);
    }
}
