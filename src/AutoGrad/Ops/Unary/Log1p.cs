using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>log1p: y = ln(1 + x), accurate for small x.</summary>
internal sealed class Log1pNode : UnaryNode<Log1pNode, Log1pKernel>, INodeType<Log1pNode>
{
    public static Log1pNode Create() => new();

    public override string Name => "log1p";
    public override string Rule => "y = ln(1 + x);  ∂y/∂x = 1/(1 + x)";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(1.0 / (Input(0) + 1.0));
}

public sealed partial class Tensor
{
    /// <summary>y = ln(1 + x) elementwise, accurate for small x (torch.log1p); NaN below −1, −∞ at −1.</summary>
    public Tensor Log1p([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Log1pNode.Apply(this, file, line);
}
