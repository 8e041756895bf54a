using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>div: y = a/b, broadcasting.</summary>
internal sealed class DivNode : BinaryNode<DivNode, DivKernel>, INodeType<DivNode>
{
    public static DivNode Create() => new();

    public override string Name => "div";
    public override string Rule => "y = a/b;  ∂y/∂a = 1/b, ∂y/∂b = −y/b (= −a/b²)";
    protected override bool SavesInput(int i) => i == 1 || NeedsGrad(1);
    protected override bool SavesOutput => true;
    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Sum(t[0]?.SafeMul(Input(1).Pow(-1)), t[1]?.SafeMul(-y / Input(1)), y.ShapeArray);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var b = Input(1);
        if (NeedsGrad(0)) grads[0] = g.SafeMul(b.Pow(-1)).SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = g.SafeMul(-Output / b).SumToShape(b.ShapeArray);
    }
}

public sealed partial class Tensor
{
    /// <summary>y = a/b elementwise with broadcasting (also <c>a / b</c>).</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Div(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => DivNode.Apply(a, b, file, line);
}
