using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// minimum: y = min(a, b) elementwise, broadcasting (torch.minimum). The gradient goes to the smaller
/// operand; at a tie a = b it is split half and half, as PyTorch does for the elementwise
/// minimum of two tensors. Where an operand is NaN, y is NaN and neither operand gets a gradient
/// (PyTorch passes G to both there).
/// </summary>
internal sealed class MinimumNode : BinaryNode<MinimumNode, MinimumKernel>, INodeType<MinimumNode>
{
    public static MinimumNode Create() => new();

    public override string Name => "minimum";
    public override string Rule => "y = min(a, b);  ∂y/∂a = [a < b] + ½[a = b], ∂y/∂b = [b < a] + ½[a = b]";

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t)
    {
        Tensor a = Input(0), b = Input(1);
        var half = Tensor.Eq(a, b) * 0.5;
        return TangentRules.Sum(t[0]?.SafeMul(Tensor.Lt(a, b) + half), t[1]?.SafeMul(Tensor.Gt(a, b) + half), y.ShapeArray);
    }

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        Tensor a = Input(0), b = Input(1);
        var half = Tensor.Eq(a, b) * 0.5;
        if (NeedsGrad(0)) grads[0] = g.SafeMul(Tensor.Lt(a, b) + half).SumToShape(a.ShapeArray);
        if (NeedsGrad(1)) grads[1] = g.SafeMul(Tensor.Gt(a, b) + half).SumToShape(b.ShapeArray);
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Elementwise minimum of two tensors with broadcasting (torch.minimum); NaN propagates (with no
    /// gradient to either operand; PyTorch passes G to both there). The gradient goes to the smaller operand, and at ties (a = b) half to each, as in PyTorch.
    /// </summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Minimum(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => MinimumNode.Apply(a, b, file, line);
}
