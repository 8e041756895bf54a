using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

// Compositions: no backward code of their own; their gradients come from the primitives.
public sealed partial class Tensor
{
    /// <summary>
    /// log Σ exp(x) over <paramref name="axes"/>, computed stably as m + log Σ exp(x − m) with
    /// m = max(x) held constant (it cancels in the gradient); d/dx = softmax(x). Rows that are
    /// all −∞ give −∞.
    /// </summary>
    public Tensor LogSumExp(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("logsumexp", file, line);
        var m = Detach().Max(axes, keepDim: true);
        // An all −∞ (or +∞) row has an infinite max; shifting by it would give NaN.
        m = Where(m.Abs().Lt(double.PositiveInfinity), m, 0.0);
        var r = (this - m).Exp().Sum(axes, keepDim: true).Log() + m;
        if (!keepDim) r = r.Reshape(Shapes.ReducedKept(ShapeArray, Shapes.NormalizeAxesKept("logsumexp", axes, Rank), keepDim: false));
        return r;
    }

    /// <summary>log Σ exp over one axis.</summary>
    public Tensor LogSumExp(int axis, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        LogSumExp([axis], keepDim, file, line);


    /// <summary>
    /// softmax along <paramref name="axis"/>: exp(x_i)/Σ_j exp(x_j), computed as exp(log_softmax)
    /// so it never overflows; dy_i/dx_j = y_i(δ_ij − y_j).
    /// </summary>
    public Tensor Softmax(int axis = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("softmax", file, line);
        return LogSoftmax(axis).Exp();
    }
}
