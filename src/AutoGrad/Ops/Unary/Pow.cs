using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>pow: y = xᵖ for a constant exponent p.</summary>
internal sealed class PowNode : ScalarNode<PowNode, PowKernel>, INodeType<PowNode>
{
    public static PowNode Create() => new();

    public override string Name => "pow";
    public override string Rule => "y = xᵖ;  ∂y/∂x = p·xᵖ⁻¹";
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        double p = C;
        grads[0] = p == 0 ? Tensor.EmptyZeroed(g.ShapeArray, g.DType) : g.SafeMul(p == 1 ? Tensor.OnesLike(g) : Input(0).Pow(p - 1) * p);
    }
}

public sealed partial class Tensor
{
    /// <summary>y = xᵖ elementwise for a constant exponent p; a negative x with non-integer p gives NaN.</summary>
    /// <exception cref="ArgumentException">p is NaN.</exception>
    public Tensor Pow(double p, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (double.IsNaN(p)) throw new ArgumentException("pow: exponent p is NaN", nameof(p));
        return PowNode.Apply(this, p, file, line);
    }
}
