using AutoGrad;
using AutoGrad.Autograd;

namespace FindTheBug;

/// <summary>
/// The Gaussian log-likelihood of data x under mean μ and log standard deviation s = log σ,
/// elementwise, with a hand-written backward:
///   ℓ = −½((x − μ)/σ)² − s − ½ log 2π
///   ∂ℓ/∂μ = (x − μ)/σ²,   ∂ℓ/∂s = (x − μ)²/σ² − 1,   ∂ℓ/∂x = −(x − μ)/σ².
/// With <c>planted: true</c> the backward has the sign error a tired derivation makes:
/// ∂ℓ/∂s = (x − μ)²/σ² + 1.
/// </summary>
public sealed class GaussianLogLikelihood(bool planted) : CustomOp
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    public override string Name => "GaussianLogLikelihood";

    protected override Tensor Forward(CustomOpContext ctx, Tensor[] inputs)
    {
        Tensor x = inputs[0], mu = inputs[1], logSigma = inputs[2];
        var z = Tensor.Mul(Tensor.Sub(x, mu), (-logSigma).Exp()); // (x − μ)/σ
        ctx.SaveForBackward(z, logSigma);
        return -0.5 * z.Square() - logSigma - HalfLog2Pi;
    }

    protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g)
    {
        Tensor z = ctx.SavedTensors[0], logSigma = ctx.SavedTensors[1];
        var invSigma = (-logSigma).Exp();
        var dMu = Tensor.Mul(z, invSigma);                        // (x − μ)/σ²
        var dLogSigma = planted ? z.Square() + 1.0 : z.Square() - 1.0;
        return
        [
            ctx.NeedsInputGrad(0) ? Tensor.Mul(g, -dMu) : null,
            ctx.NeedsInputGrad(1) ? Tensor.Mul(g, dMu) : null,
            ctx.NeedsInputGrad(2) ? Tensor.Mul(g, dLogSigma) : null,
        ];
    }
}
