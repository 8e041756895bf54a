using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>expm1: y = eˣ − 1, accurate for small x.</summary>
internal sealed class Expm1Node : UnaryNode<Expm1Node, Expm1Kernel>, INodeType<Expm1Node>
{
    public static Expm1Node Create() => new();

    public override string Name => "expm1";
    public override string Rule => "y = eˣ − 1;  ∂y/∂x = y + 1";
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Output + 1.0);
}

public sealed partial class Tensor
{
    /// <summary>y = eˣ − 1 elementwise, accurate for small x (torch.expm1).</summary>
    public Tensor Expm1([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Expm1Node.Apply(this, file, line);
}
