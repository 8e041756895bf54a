using System.Numerics.Tensors;

namespace AutoGrad.Optim;

/// <summary>
/// Gradient clipping over a list of parameters (their <see cref="Tensor.Grad"/>, in place, outside
/// the tape), called between backward and the optimizer's step. Parameters without a gradient are
/// skipped.
/// </summary>
/// <remarks>
/// Each call is a launch, so inside <see cref="Memory.StepPlan.Capture"/> every replay clips the
/// gradients of that run. The value a call returns is the capture step's: a replay cannot hand it
/// back, so do not branch on it inside a captured step.
/// </remarks>
public static class GradientClipping
{
    /// <summary>
    /// Rescales all gradients together so their global L2 norm
    /// <c>‖g‖ = √(Σ_p Σ_i g_{p,i}²)</c> is at most <paramref name="maxNorm"/>: if ‖g‖ &gt; maxNorm,
    /// every gradient is multiplied by <c>maxNorm / (‖g‖ + 1e-6)</c> (PyTorch's clip_grad_norm_),
    /// else nothing changes. Returns ‖g‖ before clipping. A non-finite norm (an overflow or a NaN
    /// upstream) is returned as is and the gradients are left unchanged, so the caller can skip the step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">maxNorm is not a finite number &gt; 0.</exception>
    public static double ClipByNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.Positive(nameof(ClipByNorm), nameof(maxNorm), maxNorm);
        return Clip(parameters, maxNorm, byNorm: true);
    }

    /// <summary>The one wrapper of both clippings: runs the clipping as a launch and returns its result.</summary>
    private static double Clip(IEnumerable<Tensor> parameters, double limit, bool byNorm)
    {
        var launch = new ClipLaunch(parameters as Tensor[] ?? [.. parameters], limit, byNorm);
        Launch.Run(ref launch);
        return launch.Result;
    }

    private struct ClipLaunch(Tensor[] parameters, double limit, bool byNorm) : IRecordedLaunch
    {
        /// <summary>The norm before clipping, or the number of clamped elements.</summary>
        public double Result;

        public void Run() => Result = byNorm ? ClipByNormCore(parameters, limit) : ClipByValueCore(parameters, limit);

        // A replay clips the parameters of the call, even if the caller's array changes later.
        public readonly ILaunch ForReplay(ILaunchRecorder recorder) => new ClipLaunch([.. parameters], limit, byNorm);
    }

    private static double ClipByNormCore(Tensor[] parameters, double maxNorm)
    {
        double sumSq = 0;
        foreach (var p in parameters)
        {
            var g = p.Grad;
            if (g is null) continue;
            sumSq += g.DType == DType.Float32 ? SumOfSquaresF(g.SpanF) : TensorPrimitives.SumOfSquares<double>(g.SpanD);
        }
        double norm = Math.Sqrt(sumSq);
        if (!double.IsFinite(norm) || norm <= maxNorm) return norm;
        double scale = maxNorm / (norm + 1e-6);
        foreach (var p in parameters)
        {
            var g = p.Grad;
            if (g is null) continue;
            g.Storage.Version++;
            if (g.DType == DType.Float32) TensorPrimitives.Multiply(g.SpanF, (float)scale, g.SpanF);
            else TensorPrimitives.Multiply(g.SpanD, scale, g.SpanD);
        }
        return norm;
    }

    /// <summary>
    /// Clamps every gradient element into <c>[−clipValue, clipValue]</c> (PyTorch's clip_grad_value_).
    /// Returns the number of elements that were changed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">clipValue is not a finite number &gt; 0.</exception>
    public static long ClipByValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.Positive(nameof(ClipByValue), nameof(clipValue), clipValue);
        return (long)Clip(parameters, clipValue, byNorm: false);
    }

    private static long ClipByValueCore(Tensor[] parameters, double clipValue)
    {
        long changed = 0;
        foreach (var p in parameters)
        {
            var g = p.Grad;
            if (g is null) continue;
            g.Storage.Version++;
            if (g.DType == DType.Float32) changed += Clamp(g.SpanF, (float)clipValue);
            else changed += Clamp(g.SpanD, clipValue);
        }
        return changed;
    }

    private static long Clamp<T>(Span<T> g, T c) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        long changed = 0;
        for (int i = 0; i < g.Length; i++)
        {
            if (g[i] > c) { g[i] = c; changed++; }
            else if (g[i] < -c) { g[i] = -c; changed++; }
        }
        return changed;
    }

    // Squares of float32 gradients summed in float64: a float32 accumulator loses digits on large layers.
    private static double SumOfSquaresF(ReadOnlySpan<float> g)
    {
        const int chunk = 4096;
        double total = 0;
        for (int i = 0; i < g.Length; i += chunk)
            total += TensorPrimitives.SumOfSquares(g.Slice(i, Math.Min(chunk, g.Length - i)));
        return total;
    }
}
