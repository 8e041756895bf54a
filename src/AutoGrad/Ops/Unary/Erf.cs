using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>erf: y = erf x, accurate to a few float64 ulps.</summary>
internal sealed class ErfNode : UnaryNode<ErfNode, ErfKernel>, INodeType<ErfNode>
{
    public static ErfNode Create() => new();

    public override string Name => "erf";
    public override string Rule => "y = erf x = (2/√π)∫₀ˣ e^{−t²}dt;  ∂y/∂x = (2/√π)·e^{−x²}";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul((-(Input(0) * Input(0))).Exp() * (2 / Math.Sqrt(Math.PI)));
}

public sealed partial class Tensor
{
    /// <summary>
    /// The error function y = erf x = (2/√π)∫₀ˣ e^{−t²}dt elementwise (torch.erf), accurate to a few
    /// ulps in float64; the gradient is (2/√π)·e^{−x²}.
    /// </summary>
    public Tensor Erf([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => ErfNode.Apply(this, file, line);
}
