using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>tanh: y = tanh x.</summary>
internal sealed class TanhNode : UnaryNode<TanhNode, TanhKernel>, INodeType<TanhNode>
{
    public static TanhNode Create() => new();

    public override string Name => "tanh";
    public override string Rule => "y = tanh x;  ∂y/∂x = 1 − y²";
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(1.0 - Output * Output);

    protected override Tensor? FusedTangent(Tensor y, Tensor t)
    {
        var r = Tensor.EmptyLike(t);
        Launch.Run(new BinaryLaunch<TanhTangentKernel>(y, t, r), y, t);
        return r;
    }
}

public sealed partial class Tensor
{
    /// <summary>y = tanh x elementwise.</summary>
    public Tensor Tanh([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => TanhNode.Apply(this, file, line);
}
