using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>gather: one element picked along an axis per position of the other axes; the gradient is scattered back (scatter_add).</summary>
internal sealed class GatherNode : Node, INodeType<GatherNode>
{
    public static GatherNode Create() => new();

    private int _axis;
    private IndexRef _index;
    private bool _keepDim;

    public override string Name => "gather";
    public override string Rule => "one element picked per position;  G added back to the picked elements (scatter_add)";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, ReadOnlySpan<int> index, bool keepDim, string file, int line)
    {
        int a = Shapes.NormalizeAxis("gather", axis, x.Rank);
        var (outer, n, inner) = Dispatch.Split(x.ShapeArray, a);
        if (index.Length != outer * inner)
            throw ShapeErrors.IndexCount("gather", x.ShapeArray, a, outer * inner, index.Length, "one per position of the other dimensions");
        Guard.Indices("gather", index, n, a);
        var y = Tensor.Empty(keepDim ? Shapes.With(x.ShapeArray, a, 1) : Shapes.Removed(x.ShapeArray, a), x.DType);
        var bound = Launch.RunIndexed("gather", new GatherLaunch(x, y, outer, n, inner, a), index, x);
        if (Node.NeedsNode(x))
        {
            var node = New<GatherNode>();
            (node._axis, node._index, node._keepDim) = (a, IndexRef.Keep(index, bound), keepDim);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _index.Span, _keepDim, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = g.ScatterAdd(_axis, _index.Span, Input(0).ShapeArray[_axis]);

    private readonly struct GatherLaunch(Tensor x, Tensor y, int outer, int n, int inner, int axis) : IIndexedLaunch
    {
        public void Validate(ReadOnlySpan<int> index) => Guard.Indices("gather", index, n, axis);

        public void Run(ReadOnlySpan<int> index)
        {
            if (x.DType == DType.Float32) Layout.Gather<float>(x.SpanF, outer, n, inner, index, y.SpanF);
            else Layout.Gather<double>(x.SpanD, outer, n, inner, index, y.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Picks one element along <paramref name="axis"/> for every position of the other axes:
    /// y[o, i] = x[o, index[o, i], i], with the axis removed (kept as 1 with
    /// <paramref name="keepDim"/>). For log-probabilities [N, C] and labels [N],
    /// <c>logp.Gather(1, labels)</c> is the [N] vector of each row's label entry.
    /// </summary>
    /// <exception cref="ShapeException">index.Length is not the number of positions of the other axes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Tensor Gather(int axis, ReadOnlySpan<int> index, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        GatherNode.Apply(this, axis, index, keepDim, file, line);
}
