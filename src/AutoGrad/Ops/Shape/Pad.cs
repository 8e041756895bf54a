using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>pad: zeros added before and after along one axis; the gradient is the matching slice.</summary>
internal sealed class PadNode : Node, INodeType<PadNode>
{
    public static PadNode Create() => new();

    private int _axis, _before;

    public override string Name => "pad";
    public override string Rule => "zeros added along one axis;  G sliced back";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, int before, int after, string file, int line)
    {
        int a = Shapes.NormalizeAxis("pad", axis, x.Rank);
        if (before < 0 || after < 0)
            throw ShapeErrors.NegativePad(x.ShapeArray, a, before, after);
        if (before == 0 && after == 0) return x;
        int len = x.ShapeArray[a], n = len + before + after;
        var y = Tensor.EmptyZeroed(Shapes.With(x.ShapeArray, a, n), x.DType);
        var (outer, _, inner) = Dispatch.Split(x.ShapeArray, a);
        Launch.Run(new SliceLaunch(x, y, outer, n, inner, before, len, pad: true), x);
        if (Node.NeedsNode(x))
        {
            var node = New<PadNode>();
            (node._axis, node._before) = (a, before);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _before, OutputShape[_axis] - _before - x[0].Shape[_axis], "", 0);
    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.Slice(_axis, _before, Input(0).ShapeArray[_axis]);
}

public sealed partial class Tensor
{
    /// <summary>Adds <paramref name="before"/> and <paramref name="after"/> zeros along <paramref name="axis"/>.</summary>
    /// <exception cref="ShapeException">A pad width is negative.</exception>
    public Tensor Pad(int axis, int before, int after, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        PadNode.Apply(this, axis, before, after, file, line);
}
