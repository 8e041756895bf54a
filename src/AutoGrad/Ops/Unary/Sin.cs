using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>sin: y = sin x.</summary>
internal sealed class SinNode : UnaryNode<SinNode, SinKernel>, INodeType<SinNode>
{
    public static SinNode Create() => new();

    public override string Name => "sin";
    public override string Rule => "y = sin x;  ∂y/∂x = cos x";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Input(0).Cos());
}

public sealed partial class Tensor
{
    /// <summary>y = sin x elementwise (torch.sin).</summary>
    public Tensor Sin([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SinNode.Apply(this, file, line);
}
