using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>sub: y = a − b, broadcasting.</summary>
internal sealed class SubNode : BinaryNode<SubNode, SubKernel>, INodeType<SubNode>
{
    public static SubNode Create() => new();

    public override string Name => "sub";
    public override string Rule => "y = a − b;  ∂y/∂a = 1, ∂y/∂b = −1";
    protected override bool SavesInput(int i) => false;
    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Sum(t[0], t[1] is null ? null : -t[1]!, y.ShapeArray);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = g.SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = (-g).SumToShape(Input(1).ShapeArray);
    }
}

public sealed partial class Tensor
{
    /// <summary>y = a − b elementwise with broadcasting (also <c>a - b</c>).</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Sub(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SubNode.Apply(a, b, file, line);
}
