using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// safe_mul: y = a·b, except 0 wherever a or b is exactly 0 (even if the other is ±∞ or NaN).
/// Backward rules multiply by local derivatives with it, so a structurally zero gradient stays zero.
/// Its reverse rule is the products' (<see cref="ProductNode{TSelf, K}"/>).
/// </summary>
internal sealed class SafeMulNode : ProductNode<SafeMulNode, SafeMulKernel>, INodeType<SafeMulNode>
{
    public static SafeMulNode Create() => new();

    public override string Name => "safe_mul";
    public override string Rule => "y = a·b (0 if a or b is 0);  ∂y/∂a = b, ∂y/∂b = a";
}

public sealed partial class Tensor
{
    /// <summary>
    /// y = a·b, except y = 0 wherever a or b is exactly 0 (even if the other is ±∞ or NaN):
    /// how backward rules keep structurally zero gradients zero.
    /// </summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor SafeMul(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SafeMulNode.Apply(a, b, file, line);

    /// <summary>Instance form of <see cref="SafeMul(Tensor, Tensor, string, int)"/>.</summary>
    public Tensor SafeMul(Tensor other, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SafeMul(this, other, file, line);

    /// <summary>this · c, except 0 where this is 0 (c may be ±∞).</summary>
    public Tensor SafeMul(double c, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        double.IsFinite(c) ? MulScalar(c, file, line) : SafeMul(this, Full(c, DType), file, line);
}
