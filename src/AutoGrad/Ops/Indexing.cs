using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Memory;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

/// <summary>One element picked along an axis per position; the gradient is scattered back (ScatterAdd).</summary>
// The nodes keep their indices as an IndexRef: a copy when the op runs eagerly, the registered
// array (or a range of it) inside StepPlan.Capture, so the backward ops read the live array at replay.
internal sealed class GatherNode(int axis, IndexRef index, bool keepDim) : Node
{
    public override string Name => "gather";
    public override string Rule => "one element picked per position;  G scattered back to the picked elements";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Gather(axis, index.Span, keepDim);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = g.ScatterAdd(axis, index.Span, Input(0).ShapeArray[axis]);
}

/// <summary>Values added into a zero tensor at indexed positions; the gradient gathers them back.</summary>
internal sealed class ScatterAddNode(int axis, IndexRef index) : Node
{
    public override string Name => "scatter_add";
    public override string Rule => "elements added into positions;  G gathered from them";
    protected internal override Tensor Forward(Tensor[] x) => x[0].ScatterAdd(axis, index.Span, OutputShape[axis]);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.Gather(axis, index.Span);
}

/// <summary>Whole slices picked along an axis; the gradient is index-added back.</summary>
internal sealed class IndexSelectNode(int axis, IndexRef index) : Node
{
    public override string Name => "index_select";
    public override string Rule => "slices picked along one axis;  G added back to each picked slice";
    protected internal override Tensor Forward(Tensor[] x) => x[0].IndexSelect(axis, index.Span);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = g.IndexAdd(axis, index.Span, Input(0).ShapeArray[axis]);
}

/// <summary>Slices added into a zero tensor at indexed positions; the gradient selects them back.</summary>
internal sealed class IndexAddNode(int axis, IndexRef index) : Node
{
    public override string Name => "index_add";
    public override string Rule => "slices added into positions;  G selected from them";
    protected internal override Tensor Forward(Tensor[] x) => x[0].IndexAdd(axis, index.Span, OutputShape[axis]);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.IndexSelect(axis, index.Span);
}

/// <summary>
/// The indices a node keeps for its backward, in one reference (so an eagerly recorded node is no
/// larger than with a plain array): an <c>int[]</c> copy, or inside a capture the registered array
/// itself, or a boxed range of it.
/// </summary>
internal readonly struct IndexRef
{
    private readonly object _value;

    private IndexRef(object value) => _value = value;

    public static IndexRef Copy(ReadOnlySpan<int> index) => new(index.ToArray());

    public static IndexRef Live(ReadOnlyMemory<int> range) =>
        new(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(range, out var a) && a.Offset == 0 && a.Count == a.Array!.Length ? a.Array : range);

    public ReadOnlySpan<int> Span => _value is int[] a ? a : ((ReadOnlyMemory<int>)_value).Span;
}

public sealed partial class Tensor
{
    /// <summary>
    /// Picks one element along <paramref name="axis"/> for every position of the other axes:
    /// y[o, i] = x[o, index[o, i], i], with the axis removed (kept as 1 with
    /// <paramref name="keepDim"/>). For log-probabilities [N, C] and labels [N],
    /// <c>logp.Gather(1, labels)</c> is the [N] vector of each row's label entry. The gradient is
    /// scattered back to the picked positions.
    /// </summary>
    /// <exception cref="ShapeException">index.Length is not the number of positions of the other axes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Tensor Gather(int axis, ReadOnlySpan<int> index, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("gather", axis, Rank);
        var (outer, n, inner) = Split(ShapeArray, a);
        if (index.Length != outer * inner)
            throw ShapeErrors.IndexCount("gather", ShapeArray, a, outer * inner, index.Length, "one per position of the other dimensions");
        Check.Indices("gather", index, n, a);
        var y = Empty(Shapes.Reduced(ShapeArray, [a], keepDim), DType);
        GatherInto(this, y, outer, n, inner, index);
        var live = StepTrace.Current is { } trace ? TraceIndexed(trace, "gather", IndexOp.Gather, this, y, outer, n, inner, index, a) : default;
        if (ShouldRecord(this)) Node.Record(new GatherNode(a, live.IsEmpty ? IndexRef.Copy(index) : IndexRef.Live(live), keepDim), y, this, file, line);
        return y;
    }

    /// <summary>
    /// The adjoint of <see cref="Gather"/>: a zero tensor with a new axis of size
    /// <paramref name="size"/> inserted at <paramref name="axis"/>, where y[o, index[o, i], i] += x[o, i].
    /// </summary>
    public Tensor ScatterAdd(int axis, ReadOnlySpan<int> index, int size, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("scatter_add", axis, Rank + 1);
        var shape = new List<int>(ShapeArray);
        shape.Insert(a, size);
        var outShape = shape.ToArray();
        var (outer, n, inner) = Split(outShape, a);
        if (index.Length != outer * inner)
            throw ShapeErrors.IndexCount("scatter_add", outShape, a, outer * inner, index.Length, $"one per element of {Shapes.Format(ShapeArray)}");
        Check.Indices("scatter_add", index, n, a);
        var y = EmptyZeroed(outShape, DType);
        ScatterAddInto(this, y, outer, n, inner, index);
        var live = StepTrace.Current is { } trace ? TraceIndexed(trace, "scatter_add", IndexOp.ScatterAdd, this, y, outer, n, inner, index, a) : default;
        if (ShouldRecord(this)) Node.Record(new ScatterAddNode(a, live.IsEmpty ? IndexRef.Copy(index) : IndexRef.Live(live)), y, this, file, line);
        return y;
    }

    /// <summary>
    /// Whole slices picked along <paramref name="axis"/>: y's axis has index.Length entries, entry k
    /// being x's slice index[k] (rows of a batch, embedding lookups). Indices may repeat; the
    /// gradient is added back to every picked slice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Tensor IndexSelect(int axis, ReadOnlySpan<int> index, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("index_select", axis, Rank);
        var (outer, n, inner) = Split(ShapeArray, a);
        Check.Indices("index_select", index, n, a);
        var shape = (int[])ShapeArray.Clone();
        shape[a] = index.Length;
        var y = Empty(shape, DType);
        IndexSelectInto(this, y, outer, n, inner, index);
        var live = StepTrace.Current is { } trace ? TraceIndexed(trace, "index_select", IndexOp.IndexSelect, this, y, outer, n, inner, index, a) : default;
        if (ShouldRecord(this)) Node.Record(new IndexSelectNode(a, live.IsEmpty ? IndexRef.Copy(index) : IndexRef.Live(live)), y, this, file, line);
        return y;
    }

    /// <summary>The adjoint of <see cref="IndexSelect"/>: a zero tensor whose axis has <paramref name="size"/> entries, slice index[k] receiving += x's slice k.</summary>
    /// <exception cref="ShapeException">index.Length differs from the axis length.</exception>
    public Tensor IndexAdd(int axis, ReadOnlySpan<int> index, int size, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("index_add", axis, Rank);
        if (index.Length != ShapeArray[a])
            throw ShapeErrors.IndexCount("index_add", ShapeArray, a, ShapeArray[a], index.Length, "one per slice along it");
        Check.Indices("index_add", index, size, a);
        var shape = (int[])ShapeArray.Clone();
        shape[a] = size;
        var (outer, _, inner) = Split(shape, a);
        var y = EmptyZeroed(shape, DType);
        IndexAddInto(this, y, outer, size, inner, index);
        var live = StepTrace.Current is { } trace ? TraceIndexed(trace, "index_add", IndexOp.IndexAdd, this, y, outer, size, inner, index, a) : default;
        if (ShouldRecord(this)) Node.Record(new IndexAddNode(a, live.IsEmpty ? IndexRef.Copy(index) : IndexRef.Live(live)), y, this, file, line);
        return y;
    }

    private static void GatherInto(Tensor x, Tensor y, int outer, int n, int inner, ReadOnlySpan<int> index)
    {
        if (x.DType == DType.Float32) Layout.Gather<float>(x.SpanF, outer, n, inner, index, y.SpanF);
        else Layout.Gather<double>(x.SpanD, outer, n, inner, index, y.SpanD);
    }

    private static void ScatterAddInto(Tensor x, Tensor y, int outer, int n, int inner, ReadOnlySpan<int> index)
    {
        if (x.DType == DType.Float32) Layout.ScatterAdd<float>(x.SpanF, outer, n, inner, index, y.SpanF);
        else Layout.ScatterAdd<double>(x.SpanD, outer, n, inner, index, y.SpanD);
    }

    private static void IndexSelectInto(Tensor x, Tensor y, int outer, int n, int inner, ReadOnlySpan<int> index)
    {
        if (x.DType == DType.Float32) Layout.IndexSelect<float>(x.SpanF, outer, n, inner, index, y.SpanF);
        else Layout.IndexSelect<double>(x.SpanD, outer, n, inner, index, y.SpanD);
    }

    private static void IndexAddInto(Tensor x, Tensor y, int outer, int n, int inner, ReadOnlySpan<int> index)
    {
        if (x.DType == DType.Float32) Layout.IndexAdd<float>(x.SpanF, outer, n, inner, index, y.SpanF);
        else Layout.IndexAdd<double>(x.SpanD, outer, n, inner, index, y.SpanD);
    }

    private enum IndexOp { Gather, ScatterAdd, IndexSelect, IndexAdd }

    /// <summary>
    /// Records an indexed kernel for replay, reading the registered array the indices lie in; each
    /// replay checks the indices again (they may have changed), since an index out of range would
    /// otherwise read or write the wrong elements. Returns the live indices for the node.
    /// </summary>
    private static ReadOnlyMemory<int> TraceIndexed(StepTrace trace, string name, IndexOp op, Tensor x, Tensor y, int outer, int n, int inner, ReadOnlySpan<int> index, int axis)
    {
        var live = trace.Index(name, index);
        trace.Add(() =>
        {
            var idx = live.Span;
            Check.Indices(name, idx, n, axis);
            switch (op)
            {
                case IndexOp.Gather: GatherInto(x, y, outer, n, inner, idx); break;
                case IndexOp.ScatterAdd: ScatterAddInto(x, y, outer, n, inner, idx); break;
                case IndexOp.IndexSelect: IndexSelectInto(x, y, outer, n, inner, idx); break;
                default: IndexAddInto(x, y, outer, n, inner, idx); break;
            }
        }, x);
        return live;
    }
}
