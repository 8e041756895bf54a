using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>concat: tensors joined along one axis; each input's gradient is its slice of G.</summary>
internal sealed class ConcatNode : Node, INodeType<ConcatNode>
{
    public static ConcatNode Create() => new();

    private int _axis;

    public override string Name => "concat";
    public override string Rule => "inputs joined along one axis;  each gets its slice of G";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(IReadOnlyList<Tensor> tensors, int axis, string file, int line)
    {
        if (tensors.Count == 0) throw ShapeErrors.NoTensors("concat");
        var first = tensors[0];
        int a = Shapes.NormalizeAxis("concat", axis, first.Rank);
        int total = 0;
        bool record = false;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            Guard.SameDType("concat", first, t);
            if (t.Rank != first.Rank)
                throw ShapeErrors.PartMismatch("concat", i, t.ShapeArray, first.ShapeArray, "all tensors need the same rank");
            for (int d = 0; d < first.Rank; d++)
                if (d != a && t.ShapeArray[d] != first.ShapeArray[d])
                    throw ShapeErrors.ConcatMismatch(i, t.ShapeArray, first.ShapeArray, d, a);
            total += t.ShapeArray[a];
            record |= t.RequiresGrad;
        }
        var y = Tensor.Empty(Shapes.With(first.ShapeArray, a, total), first.DType);
        int offset = 0;
        foreach (var t in tensors)
        {
            var (outer, _, inner) = Dispatch.Split(t.ShapeArray, a);
            int len = t.ShapeArray[a];
            // Every element of y belongs to exactly one input, so y needs no zeroing, eagerly or at replay.
            Launch.Run(new SliceLaunch(t, y, outer, total, inner, offset, len, pad: true), t);
            offset += len;
        }
        if (record && Tape.IsRecording || ForwardMode.AnyOpen && Node.NeedsNode([.. tensors]))
        {
            var node = New<ConcatNode>();
            node._axis = a;
            Record(node, y, [.. tensors], file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x, _axis, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        int offset = 0;
        for (int i = 0; i < InputCount; i++)
        {
            int len = Input(i).ShapeArray[_axis];
            if (NeedsGrad(i)) grads[i] = g.Slice(_axis, offset, len);
            offset += len;
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must match.</summary>
    /// <exception cref="ShapeException">No tensors, or ranks or non-axis dimensions differ.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ConcatNode.Apply(tensors, axis, file, line);

    /// <summary>Stacks equally shaped tensors along a new axis.</summary>
    /// <exception cref="ShapeException">No tensors, or shapes differ.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (tensors.Count == 0) throw ShapeErrors.NoTensors("stack");
        for (int i = 1; i < tensors.Count; i++)
        {
            Guard.SameDType("stack", tensors[0], tensors[i]);
            if (!Shapes.Equal(tensors[i].ShapeArray, tensors[0].ShapeArray))
                throw ShapeErrors.PartMismatch("stack", i, tensors[i].ShapeArray, tensors[0].ShapeArray, "all tensors must have the same shape");
        }
        using var _ = SourceSite.Enter("stack", file, line);
        int a = Shapes.NormalizeAxis("stack", axis, tensors[0].Rank + 1);
        var parts = new Tensor[tensors.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = tensors[i].Unsqueeze(a);
        return Concat(parts, a);
    }
}
