using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>abs: y = |x|; at the kink x = 0 the derivative is taken as 0, between the one-sided −1 and 1.</summary>
internal sealed class AbsNode : UnaryNode<AbsNode, AbsKernel>, INodeType<AbsNode>
{
    public static AbsNode Create() => new();

    public override string Name => "abs";
    public override string Rule => "y = |x|;  ∂y/∂x = sign(x)";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Input(0).Sign());
}

public sealed partial class Tensor
{
    /// <summary>y = |x| elementwise.</summary>
    public Tensor Abs([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => AbsNode.Apply(this, file, line);
}
