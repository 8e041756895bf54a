using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>cos: y = cos x.</summary>
internal sealed class CosNode : UnaryNode<CosNode, CosKernel>, INodeType<CosNode>
{
    public static CosNode Create() => new();

    public override string Name => "cos";
    public override string Rule => "y = cos x;  ∂y/∂x = −sin x";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(-Input(0).Sin());
}

public sealed partial class Tensor
{
    /// <summary>y = cos x elementwise (torch.cos).</summary>
    public Tensor Cos([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => CosNode.Apply(this, file, line);
}
