using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>softplus: y = ln(1 + eˣ), computed without overflow.</summary>
internal sealed class SoftplusNode : UnaryNode<SoftplusNode, SoftplusKernel>, INodeType<SoftplusNode>
{
    public static SoftplusNode Create() => new();

    public override string Name => "softplus";
    public override string Rule => "y = ln(1 + eˣ);  ∂y/∂x = σ(x)";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Input(0).Sigmoid());
}

public sealed partial class Tensor
{
    /// <summary>y = ln(1 + eˣ) elementwise, computed without overflow.</summary>
    public Tensor Softplus([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SoftplusNode.Apply(this, file, line);
}
