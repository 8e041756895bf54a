using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>sign: y ∈ {−1, 0, 1}; the derivative is 0 wherever it exists (everywhere but 0).</summary>
internal sealed class SignNode : UnaryNode<SignNode, SignKernel>, INodeType<SignNode>
{
    public static SignNode Create() => new();

    public override string Name => "sign";
    public override string Rule => "y = sign(x);  ∂y/∂x = 0";
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = Tensor.EmptyZeroed(g.ShapeArray, g.DType);
}

public sealed partial class Tensor
{
    /// <summary>y = sign(x) ∈ {−1, 0, 1} elementwise.</summary>
    public Tensor Sign([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SignNode.Apply(this, file, line);
}
