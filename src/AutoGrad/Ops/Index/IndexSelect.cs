using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>index_select: whole slices picked along an axis (indices may repeat); the gradient is index-added back.</summary>
internal sealed class IndexSelectNode : Node, INodeType<IndexSelectNode>
{
    public static IndexSelectNode Create() => new();

    private int _axis;
    private IndexRef _index;

    public override string Name => "index_select";
    public override string Rule => "slices picked along one axis;  G added back to each picked slice";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, ReadOnlySpan<int> index, string file, int line)
    {
        int a = Shapes.NormalizeAxis("index_select", axis, x.Rank);
        var (outer, n, inner) = Dispatch.Split(x.ShapeArray, a);
        Guard.Indices("index_select", index, n, a);
        var y = Tensor.Empty(Shapes.With(x.ShapeArray, a, index.Length), x.DType);
        var bound = Launch.RunIndexed("index_select", new IndexSelectLaunch(x, y, outer, n, inner, a), index, x);
        if (Node.NeedsNode(x))
        {
            var node = New<IndexSelectNode>();
            (node._axis, node._index) = (a, IndexRef.Keep(index, bound));
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _index.Span, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = g.IndexAdd(_axis, _index.Span, Input(0).ShapeArray[_axis]);

    private readonly struct IndexSelectLaunch(Tensor x, Tensor y, int outer, int n, int inner, int axis) : IIndexedLaunch
    {
        public void Validate(ReadOnlySpan<int> index) => Guard.Indices("index_select", index, n, axis);

        public void Run(ReadOnlySpan<int> index)
        {
            if (x.DType == DType.Float32) Layout.IndexSelect<float>(x.SpanF, outer, n, inner, index, y.SpanF);
            else Layout.IndexSelect<double>(x.SpanD, outer, n, inner, index, y.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Whole slices picked along <paramref name="axis"/>: y's axis has index.Length entries, entry k
    /// being x's slice index[k] (rows of a batch, embedding lookups). Indices may repeat.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Tensor IndexSelect(int axis, ReadOnlySpan<int> index, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        IndexSelectNode.Apply(this, axis, index, file, line);
}
