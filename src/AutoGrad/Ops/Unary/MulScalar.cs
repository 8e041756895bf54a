using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>mul (by a constant): y = c·x.</summary>
internal sealed class MulScalarNode : ScalarNode<MulScalarNode, MulScalarKernel>, INodeType<MulScalarNode>
{
    public static MulScalarNode Create() => new();

    public override string Name => "mul";
    public override string Rule => "y = c·x;  ∂y/∂x = c";
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(C);
}

public sealed partial class Tensor
{
    /// <summary>y = c·x elementwise (also <c>x * c</c>, <c>c * x</c>, <c>x / c</c>).</summary>
    public Tensor MulScalar(double c, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => MulScalarNode.Apply(this, c, file, line);
}
