using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>mul: y = a·b elementwise, broadcasting; its reverse rule is the products' (<see cref="ProductNode{TSelf, K}"/>).</summary>
internal sealed class MulNode : ProductNode<MulNode, MulKernel>, INodeType<MulNode>
{
    public static MulNode Create() => new();

    public override string Name => "mul";
    public override string Rule => "y = a·b;  ∂y/∂a = b, ∂y/∂b = a";
}

public sealed partial class Tensor
{
    /// <summary>y = a·b elementwise with broadcasting (also <c>a * b</c>; not the matrix product, see <see cref="Matmul(Tensor, Tensor, string, int)"/>).</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Mul(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => MulNode.Apply(a, b, file, line);
}
