using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>exp: y = eˣ.</summary>
internal sealed class ExpNode : UnaryNode<ExpNode, ExpKernel>, INodeType<ExpNode>
{
    public static ExpNode Create() => new();

    public override string Name => "exp";
    public override string Rule => "y = eˣ;  ∂y/∂x = y";
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Output);
}

public sealed partial class Tensor
{
    /// <summary>y = eˣ elementwise.</summary>
    public Tensor Exp([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => ExpNode.Apply(this, file, line);
}
