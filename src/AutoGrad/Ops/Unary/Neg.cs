using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>neg: y = −x.</summary>
internal sealed class NegNode : UnaryNode<NegNode, NegKernel>, INodeType<NegNode>
{
    public static NegNode Create() => new();

    public override string Name => "neg";
    public override string Rule => "y = −x;  ∂y/∂x = −1";
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = -g;
}

public sealed partial class Tensor
{
    /// <summary>y = −x elementwise (also the unary operator <c>-x</c>).</summary>
    public Tensor Neg([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => NegNode.Apply(this, file, line);
}
