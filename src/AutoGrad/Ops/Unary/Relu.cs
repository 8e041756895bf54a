using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>relu: y = max(x, 0); its backward is the fused primitive relu_grad.</summary>
internal sealed class ReluNode : UnaryNode<ReluNode, ReluKernel>, INodeType<ReluNode>
{
    public static ReluNode Create() => new();

    public override string Name => "relu";
    public override string Rule => "y = max(x, 0);  ∂y/∂x = [x > 0]";
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = Tensor.ReluGrad(Input(0), g);
}

public sealed partial class Tensor
{
    /// <summary>y = max(x, 0) elementwise (the derivative at 0 is taken as 0).</summary>
    public Tensor Relu([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => ReluNode.Apply(this, file, line);
}
