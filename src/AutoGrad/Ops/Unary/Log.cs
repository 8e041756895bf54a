using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>log: y = ln x.</summary>
internal sealed class LogNode : UnaryNode<LogNode, LogKernel>, INodeType<LogNode>
{
    public static LogNode Create() => new();

    public override string Name => "log";
    public override string Rule => "y = ln x;  ∂y/∂x = 1/x";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Input(0).Pow(-1));
}

public sealed partial class Tensor
{
    /// <summary>y = ln x elementwise; ln 0 = −∞, ln of a negative number is NaN.</summary>
    public Tensor Log([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => LogNode.Apply(this, file, line);
}
