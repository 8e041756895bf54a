using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Memory;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

/// <summary>Same elements, new shape (shares storage); the gradient is reshaped back.</summary>
internal sealed class ReshapeNode : Node
{
    public override string Name => "reshape";
    public override string Rule => "same elements, new shape;  G reshaped back";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Reshape(OutputShape);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.Reshape(Input(0).ShapeArray);
}

/// <summary>Axes reordered; the gradient is permuted by the inverse permutation.</summary>
internal sealed class PermuteNode(int[] perm) : Node
{
    public override string Name => "permute";
    public override string Rule => "axes reordered;  G permuted back";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Permute(perm);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        grads[0] = g.Permute(inverse);
    }
}

/// <summary>Broadcast to a larger shape; the gradient is summed back (SumToShape).</summary>
internal sealed class ExpandNode : Node
{
    public override string Name => "expand";
    public override string Rule => "x broadcast to a larger shape;  G summed over the broadcast axes";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Expand(OutputShape);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SumToShape(Input(0).ShapeArray);
}

/// <summary>A range [start, start+length) along one axis; the gradient is zero-padded back.</summary>
internal sealed class SliceNode(int axis, int start) : Node
{
    public override string Name => "slice";
    public override string Rule => "a range along one axis;  G zero-padded back";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Slice(axis, start, OutputShape[axis]);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        int n = Input(0).ShapeArray[axis];
        grads[0] = g.Pad(axis, start, n - start - g.ShapeArray[axis]);
    }
}

/// <summary>Zeros added before and after along one axis; the gradient is the matching slice.</summary>
internal sealed class PadNode(int axis, int before) : Node
{
    public override string Name => "pad";
    public override string Rule => "zeros added along one axis;  G sliced back";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Pad(axis, before, OutputShape[axis] - before - x[0].Shape[axis]);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = g.Slice(axis, before, Input(0).ShapeArray[axis]);
}

/// <summary>Tensors joined along one axis; each gradient is its slice of g.</summary>
internal sealed class ConcatNode(int axis) : Node
{
    public override string Name => "concat";
    public override string Rule => "inputs joined along one axis;  each gets its slice of G";
    protected internal override Tensor Forward(Tensor[] x) => Tensor.Concat(x, axis);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        int offset = 0;
        for (int i = 0; i < InputCount; i++)
        {
            int len = Input(i).ShapeArray[axis];
            if (NeedsGrad(i)) grads[i] = g.Slice(axis, offset, len);
            offset += len;
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>A tensor with the same storage and a new shape, without recording (internal plumbing).</summary>
    internal Tensor ReshapeView(int[] shape) => new(shape, DType, Storage);

    /// <summary>
    /// The same elements in a new shape (row-major order is kept; storage is shared). One
    /// dimension may be −1 and is inferred. The gradient is reshaped back.
    /// </summary>
    /// <exception cref="ShapeException">The element counts differ, or more than one −1.</exception>
    public Tensor Reshape(int[] shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var s = InferShape(shape);
        if (Shapes.Equal(s, ShapeArray)) return this;
        var y = ReshapeView(s);
        if (ShouldRecord(this)) Node.Record(new ReshapeNode(), y, this, file, line);
        return y;
    }

    /// <summary>Reshape with the dimensions as arguments: <c>x.View(2, -1)</c>.</summary>
    public Tensor View(params int[] shape) => Reshape(shape, "", 0);

    private int[] InferShape(int[] shape)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw ShapeErrors.TwoInferred(ShapeArray, shape, infer, i);
                infer = i;
            }
            else if (shape[i] < 0) throw ShapeErrors.InvalidSize(ShapeArray, shape, i);
            else known *= shape[i];
        }
        var s = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw ShapeErrors.CannotInfer(ShapeArray, shape, infer, known);
            s[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
            throw ShapeErrors.CannotReshape(ShapeArray, shape, known);
        return s;
    }

    /// <summary>Flattens to 1-d.</summary>
    public Tensor Flatten([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reshape([-1], file, line);

    /// <summary>Inserts a dimension of size 1 at <paramref name="axis"/> (−1 = at the end).</summary>
    public Tensor Unsqueeze(int axis, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("unsqueeze", axis, Rank + 1);
        var s = new List<int>(ShapeArray);
        s.Insert(a, 1);
        return Reshape([.. s], file, line);
    }

    /// <summary>Removes a dimension of size 1.</summary>
    /// <exception cref="ShapeException">The dimension is not 1.</exception>
    public Tensor Squeeze(int axis, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("squeeze", axis, Rank);
        if (ShapeArray[a] != 1)
            throw ShapeErrors.NotSizeOne(ShapeArray, a);
        var s = new List<int>(ShapeArray);
        s.RemoveAt(a);
        return Reshape([.. s], file, line);
    }

    /// <summary>
    /// Reorders the axes: output axis i is input axis perm[i]. Copies; the gradient is permuted back.
    /// </summary>
    /// <exception cref="ShapeException">perm is not a permutation of 0..rank-1.</exception>
    public Tensor Permute(int[] perm, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (perm.Length != Rank)
            throw ShapeErrors.PermutationLength(ShapeArray, perm);
        var p = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            p[i] = Shapes.NormalizeAxis("permute", perm[i], Rank);
            int earlier = Array.IndexOf(p, p[i], 0, i);
            if (earlier >= 0) throw ShapeErrors.PermutationRepeats(ShapeArray, perm, p[i], earlier, i);
        }
        bool identity = true;
        for (int i = 0; i < Rank; i++) identity &= p[i] == i;
        if (identity) return this;
        var shape = new int[Rank];
        for (int i = 0; i < Rank; i++) shape[i] = ShapeArray[p[i]];
        var y = Empty(shape, DType);
        if (DType == DType.Float32) Layout.Permute<float>(SpanF, ShapeArray, p, y.SpanF);
        else Layout.Permute<double>(SpanD, ShapeArray, p, y.SpanD);
        if (StepTrace.Current is { } trace) TracePermute(trace, this, p, y);
        if (ShouldRecord(this)) Node.Record(new PermuteNode(p), y, this, file, line);
        return y;
    }

    private static void TracePermute(StepTrace trace, Tensor x, int[] perm, Tensor y)
    {
        if (x.Rank == 2 && perm[0] == 1)
        {
            int rows = x.ShapeArray[0], cols = x.ShapeArray[1];
            trace.Add(() =>
            {
                if (x.DType == DType.Float32) Layout.Transpose2D<float>(x.SpanF, rows, cols, y.SpanF);
                else Layout.Transpose2D<double>(x.SpanD, rows, cols, y.SpanD);
            }, x);
            return;
        }
        var (yShape, src) = Layout.PermuteStrides(x.ShapeArray, perm);
        trace.Add(() =>
        {
            if (x.DType == DType.Float32) Layout.PermuteStrided<float>(x.SpanF, yShape, src, y.SpanF);
            else Layout.PermuteStrided<double>(x.SpanD, yShape, src, y.SpanD);
        }, x);
    }

    /// <summary>Swaps two axes (default: the last two, a matrix transpose).</summary>
    public Tensor Transpose(int axis0 = -2, int axis1 = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Rank < 2) throw ShapeErrors.RankTooLow("transpose", ShapeArray, 2);
        int a = Shapes.NormalizeAxis("transpose", axis0, Rank), b = Shapes.NormalizeAxis("transpose", axis1, Rank);
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) perm[i] = i;
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm, file, line);
    }

    /// <summary>The matrix transpose of a 2-d tensor.</summary>
    public Tensor T => Transpose(-2, -1, "", 0);

    /// <summary>
    /// Broadcasts to <paramref name="shape"/> (NumPy rules), copying. The gradient is summed back
    /// over the broadcast dimensions.
    /// </summary>
    /// <exception cref="ShapeException">This shape does not broadcast to <paramref name="shape"/>.</exception>
    public Tensor Expand(int[] shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Shapes.Equal(shape, ShapeArray)) return this;
        if (!Shapes.BroadcastsTo(ShapeArray, shape))
            throw ShapeErrors.CannotExpand(ShapeArray, shape);
        var s = (int[])shape.Clone();
        var y = Empty(s, DType);
        ExpandInto(this, y);
        if (StepTrace.Current is { } trace) trace.Add(ReplayExpand(this, y), this);
        if (ShouldRecord(this)) Node.Record(new ExpandNode(), y, this, file, line);
        return y;
    }

    private static void ExpandInto(Tensor x, Tensor y)
    {
        if (x.DType == DType.Float32) Broadcast.Expand<float>(x.SpanF, x.ShapeArray, y.SpanF, y.ShapeArray);
        else Broadcast.Expand<double>(x.SpanD, x.ShapeArray, y.SpanD, y.ShapeArray);
    }

    private static Action ReplayExpand(Tensor x, Tensor y) => () => ExpandInto(x, y);

    /// <summary>Elements [start, start+length) along <paramref name="axis"/>; the gradient is zero-padded back.</summary>
    /// <exception cref="ShapeException">The range does not fit in the axis.</exception>
    public Tensor Slice(int axis, int start, int length, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("slice", axis, Rank);
        int n = ShapeArray[a];
        if (start < 0 || length < 0 || start + length > n)
            throw ShapeErrors.RangeOutOfBounds("slice", ShapeArray, a, start, start + length);
        if (start == 0 && length == n) return this;
        var shape = (int[])ShapeArray.Clone();
        shape[a] = length;
        var y = Empty(shape, DType);
        var (outer, _, inner) = Split(ShapeArray, a);
        SliceInto(this, y, outer, n, inner, start, length, pad: false);
        if (StepTrace.Current is { } trace) trace.Add(ReplaySlice(this, y, outer, n, inner, start, length, pad: false), this);
        if (ShouldRecord(this)) Node.Record(new SliceNode(a, start), y, this, file, line);
        return y;
    }

    /// <summary>A slice of x (viewed as [outer, n, inner]) into y, or with <paramref name="pad"/> x into that range of a larger y.</summary>
    private static void SliceInto(Tensor x, Tensor y, int outer, int n, int inner, int start, int length, bool pad)
    {
        if (x.DType == DType.Float32)
        {
            if (pad) Layout.Pad<float>(x.SpanF, outer, n, inner, start, length, y.SpanF); else Layout.Slice<float>(x.SpanF, outer, n, inner, start, length, y.SpanF);
        }
        else
        {
            if (pad) Layout.Pad<double>(x.SpanD, outer, n, inner, start, length, y.SpanD); else Layout.Slice<double>(x.SpanD, outer, n, inner, start, length, y.SpanD);
        }
    }

    private static Action ReplaySlice(Tensor x, Tensor y, int outer, int n, int inner, int start, int length, bool pad) =>
        () => SliceInto(x, y, outer, n, inner, start, length, pad);

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="axis"/>, with that axis removed.</summary>
    public Tensor Select(int axis, int index, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("select", axis, Rank);
        int i = index < 0 ? index + ShapeArray[a] : index;
        if (i < 0 || i >= ShapeArray[a])
            throw ShapeErrors.IndexOutOfBounds("select", ShapeArray, a, index);
        return Slice(a, i, 1, file, line).Squeeze(a, file, line);
    }

    /// <summary>Rows <paramref name="range"/> along the first axis: <c>x[1..3]</c>, <c>x[^2..]</c>; recorded as a slice.</summary>
    /// <exception cref="ShapeException">A scalar tensor, or the range does not fit the first dimension.</exception>
    [IndexerName("At")]
    public Tensor this[Range range]
    {
        get
        {
            if (Rank == 0) throw ShapeErrors.RankTooLow("slice", ShapeArray, 1, "x[a..b]");
            int n = ShapeArray[0], start = range.Start.GetOffset(n), end = range.End.GetOffset(n);
            if (start < 0 || end > n || start > end) throw ShapeErrors.RangeOutOfBounds("slice", ShapeArray, 0, start, end);
            return Slice(0, start, end - start, "", 0);
        }
    }

    /// <summary>Adds <paramref name="before"/> and <paramref name="after"/> zeros along <paramref name="axis"/>; the gradient is the matching slice.</summary>
    /// <exception cref="ShapeException">A pad width is negative.</exception>
    public Tensor Pad(int axis, int before, int after, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("pad", axis, Rank);
        if (before < 0 || after < 0)
            throw ShapeErrors.NegativePad(ShapeArray, a, before, after);
        if (before == 0 && after == 0) return this;
        int len = ShapeArray[a], n = len + before + after;
        var shape = (int[])ShapeArray.Clone();
        shape[a] = n;
        var y = EmptyZeroed(shape, DType);
        var (outer, _, inner) = Split(ShapeArray, a);
        SliceInto(this, y, outer, n, inner, before, len, pad: true);
        if (StepTrace.Current is { } trace) trace.Add(ReplaySlice(this, y, outer, n, inner, before, len, pad: true), this);
        if (ShouldRecord(this)) Node.Record(new PadNode(a, before), y, this, file, line);
        return y;
    }

    /// <summary>
    /// Joins tensors along <paramref name="axis"/>; all other dimensions must match. Each input's
    /// gradient is its slice of the output gradient.
    /// </summary>
    /// <exception cref="ShapeException">No tensors, or ranks or non-axis dimensions differ.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (tensors.Count == 0) throw ShapeErrors.NoTensors("concat");
        var first = tensors[0];
        int a = Shapes.NormalizeAxis("concat", axis, first.Rank);
        int total = 0;
        bool record = false;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            Check.SameDType("concat", first, t);
            if (t.Rank != first.Rank)
                throw ShapeErrors.PartMismatch("concat", i, t.ShapeArray, first.ShapeArray, "all tensors need the same rank");
            for (int d = 0; d < first.Rank; d++)
                if (d != a && t.ShapeArray[d] != first.ShapeArray[d])
                    throw ShapeErrors.ConcatMismatch(i, t.ShapeArray, first.ShapeArray, d, a);
            total += t.ShapeArray[a];
            record |= t.RequiresGrad;
        }
        var shape = (int[])first.ShapeArray.Clone();
        shape[a] = total;
        var y = Empty(shape, first.DType);
        int offset = 0;
        var trace = StepTrace.Current;
        foreach (var t in tensors)
        {
            var (outer, _, inner) = Split(t.ShapeArray, a);
            int len = t.ShapeArray[a];
            // Every element of y belongs to exactly one input, so y needs no zeroing, eagerly or at replay.
            SliceInto(t, y, outer, total, inner, offset, len, pad: true);
            trace?.Add(ReplaySlice(t, y, outer, total, inner, offset, len, pad: true), t);
            offset += len;
        }
        if (record && Tape.IsRecording) Node.Record(new ConcatNode(a), y, [.. tensors], file, line);
        return y;
    }

    /// <summary>Stacks equally shaped tensors along a new axis.</summary>
    /// <exception cref="ShapeException">No tensors, or shapes differ.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (tensors.Count == 0) throw ShapeErrors.NoTensors("stack");
        for (int i = 1; i < tensors.Count; i++)
        {
            Check.SameDType("stack", tensors[0], tensors[i]);
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
