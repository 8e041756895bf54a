using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>index_add: the adjoint of index_select, slices added into a zero tensor at indexed positions; the gradient selects them back.</summary>
internal sealed class IndexAddNode : Node, INodeType<IndexAddNode>
{
    public static IndexAddNode Create() => new();

    private int _axis;
    private IndexRef _index;

    public override string Name => "index_add";
    public override string Rule => "slices added into positions;  G selected from them";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, ReadOnlySpan<int> index, int size, string file, int line)
    {
        int a = Shapes.NormalizeAxis("index_add", axis, x.Rank);
        if (index.Length != x.ShapeArray[a])
            throw ShapeErrors.IndexCount("index_add", x.ShapeArray, a, x.ShapeArray[a], index.Length, "one per slice along it");
        Guard.Indices("index_add", index, size, a);
        var shape = Shapes.With(x.ShapeArray, a, size);
        var (outer, _, inner) = Dispatch.Split(shape, a);
        var y = Tensor.EmptyZeroed(shape, x.DType);
        var bound = Launch.RunIndexed("index_add", new IndexAddLaunch(x, y, outer, size, inner, a), index, x);
        if (Node.NeedsNode(x))
        {
            var node = New<IndexAddNode>();
            (node._axis, node._index) = (a, IndexRef.Keep(index, bound));
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _index.Span, OutputShape[_axis], "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.IndexSelect(_axis, _index.Span);

    private readonly struct IndexAddLaunch(Tensor x, Tensor y, int outer, int n, int inner, int axis) : IIndexedLaunch
    {
        public void Validate(ReadOnlySpan<int> index) => Guard.Indices("index_add", index, n, axis);

        public void Run(ReadOnlySpan<int> index)
        {
            if (x.DType == DType.Float32) Layout.IndexAdd<float>(x.SpanF, outer, n, inner, index, y.SpanF);
            else Layout.IndexAdd<double>(x.SpanD, outer, n, inner, index, y.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>The adjoint of <see cref="IndexSelect"/>: a zero tensor whose axis has <paramref name="size"/> entries, slice index[k] receiving += x's slice k.</summary>
    /// <exception cref="ShapeException">index.Length differs from the axis length.</exception>
    public Tensor IndexAdd(int axis, ReadOnlySpan<int> index, int size, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        IndexAddNode.Apply(this, axis, index, size, file, line);
}
