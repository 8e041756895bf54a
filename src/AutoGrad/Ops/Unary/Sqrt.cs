using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>sqrt: y = √x.</summary>
internal sealed class SqrtNode : UnaryNode<SqrtNode, SqrtKernel>, INodeType<SqrtNode>
{
    public static SqrtNode Create() => new();

    public override string Name => "sqrt";
    public override string Rule => "y = √x;  ∂y/∂x = 1/(2y)";
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Output.Pow(-1) * 0.5);
}

public sealed partial class Tensor
{
    /// <summary>y = √x elementwise; NaN below 0.</summary>
    public Tensor Sqrt([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SqrtNode.Apply(this, file, line);
}
