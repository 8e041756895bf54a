using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>scatter_add: the adjoint of gather, elements added into a zero tensor at indexed positions; the gradient gathers them back.</summary>
internal sealed class ScatterAddNode : Node, INodeType<ScatterAddNode>
{
    public static ScatterAddNode Create() => new();

    private int _axis;
    private IndexRef _index;

    public override string Name => "scatter_add";
    public override string Rule => "elements added into positions;  G gathered from them";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, ReadOnlySpan<int> index, int size, string file, int line)
    {
        int a = Shapes.NormalizeAxis("scatter_add", axis, x.Rank + 1);
        var outShape = Shapes.Inserted(x.ShapeArray, a, size);
        var (outer, n, inner) = Dispatch.Split(outShape, a);
        if (index.Length != outer * inner)
            throw ShapeErrors.IndexCount("scatter_add", outShape, a, outer * inner, index.Length, $"one per element of {Shapes.Format(x.ShapeArray)}");
        Guard.Indices("scatter_add", index, n, a);
        var y = Tensor.EmptyZeroed(outShape, x.DType);
        var bound = Launch.RunIndexed("scatter_add", new ScatterAddLaunch(x, y, outer, n, inner, a), index, x);
        if (Node.NeedsNode(x))
        {
            var node = New<ScatterAddNode>();
            (node._axis, node._index) = (a, IndexRef.Keep(index, bound));
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _index.Span, OutputShape[_axis], "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.Gather(_axis, _index.Span);

    private readonly struct ScatterAddLaunch(Tensor x, Tensor y, int outer, int n, int inner, int axis) : IIndexedLaunch
    {
        public void Validate(ReadOnlySpan<int> index) => Guard.Indices("scatter_add", index, n, axis);

        public void Run(ReadOnlySpan<int> index)
        {
            if (x.DType == DType.Float32) Layout.ScatterAdd<float>(x.SpanF, outer, n, inner, index, y.SpanF);
            else Layout.ScatterAdd<double>(x.SpanD, outer, n, inner, index, y.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// The adjoint of <see cref="Gather"/>: a zero tensor with a new axis of size
    /// <paramref name="size"/> inserted at <paramref name="axis"/>, where y[o, index[o, i], i] += x[o, i].
    /// </summary>
    public Tensor ScatterAdd(int axis, ReadOnlySpan<int> index, int size, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ScatterAddNode.Apply(this, axis, index, size, file, line);
}
