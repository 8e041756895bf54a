using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>sigmoid: y = σ(x) = 1/(1 + e^{−x}).</summary>
internal sealed class SigmoidNode : UnaryNode<SigmoidNode, SigmoidKernel>, INodeType<SigmoidNode>
{
    public static SigmoidNode Create() => new();

    public override string Name => "sigmoid";
    public override string Rule => "y = σ(x);  ∂y/∂x = y(1 − y)";
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Output * (1.0 - Output));
}

public sealed partial class Tensor
{
    /// <summary>y = σ(x) = 1/(1 + e^{−x}) elementwise.</summary>
    public Tensor Sigmoid([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SigmoidNode.Apply(this, file, line);
}
