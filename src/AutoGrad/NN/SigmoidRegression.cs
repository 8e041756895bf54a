using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Losses;

namespace AutoGrad.NN;

/// <summary>
/// Note 000's sigmoid unit trained with the squared loss: o = σ(⟨w, x⟩ + b), E = ½Σ(y − o)².
/// The note derives dE/dw_j = −(y − o)·o(1 − o)·x_j (and dE/db = −(y − o)·o(1 − o)); here that
/// gradient comes from the tape. The o(1 − o) factor vanishes when the unit saturates, which is
/// why <see cref="LogisticRegression"/> with the log loss learns faster from confident mistakes.
/// </summary>
public sealed class SigmoidRegression : Module
{
    /// <summary>Creates the unit for d features (the bias plays the role of the notes' dummy feature).</summary>
    /// <exception cref="ArgumentOutOfRangeException">features is not positive.</exception>
    public SigmoidRegression(int features, Generator generator, Initializer? init = null, DType dtype = DType.Float32) =>
        Linear = RegisterModule("linear", new Linear(features, 1, generator, init, bias: true, dtype));

    /// <summary>The affine map a = ⟨w, x⟩ + b (weight [d, 1], bias [1]).</summary>
    public Linear Linear { get; }

    /// <summary>o = σ(⟨w, x⟩ + b): [N, d] → [N].</summary>
    public override Tensor Forward(Tensor input) => Linear.Forward(input).Squeeze(-1).Sigmoid();

    /// <summary>E = ½Σᵢ(yᵢ − oᵢ)² (the notes' sum; pass Mean for ½·mean), targets y [N] in [0, 1].</summary>
    /// <exception cref="ShapeException">y is not [N].</exception>
    public Tensor Loss(Tensor x, Tensor y, Reduction reduction = Reduction.Sum, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("SigmoidRegression.Loss", file, line);
        return Losses.Loss.HalfSquaredError(Forward(x), y, reduction);
    }
}
