using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>add (a constant): y = x + c.</summary>
internal sealed class AddScalarNode : ScalarNode<AddScalarNode, AddScalarKernel>, INodeType<AddScalarNode>
{
    public static AddScalarNode Create() => new();

    public override string Name => "add";
    public override string Rule => "y = x + c;  ∂y/∂x = 1";
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g;
}

public sealed partial class Tensor
{
    /// <summary>y = x + c elementwise (also <c>x + c</c>, <c>c + x</c>, <c>x - c</c>).</summary>
    public Tensor AddScalar(double c, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => AddScalarNode.Apply(this, c, file, line);
}
