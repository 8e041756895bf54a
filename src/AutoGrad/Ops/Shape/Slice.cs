using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>slice: the range [start, start + length) along one axis (a copy); the gradient is zero-padded back.</summary>
internal sealed class SliceNode : Node, INodeType<SliceNode>
{
    public static SliceNode Create() => new();

    private int _axis, _start;

    public override string Name => "slice";
    public override string Rule => "a range along one axis;  G zero-padded back";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, int start, int length, string file, int line)
    {
        int a = Shapes.NormalizeAxis("slice", axis, x.Rank);
        int n = x.ShapeArray[a];
        if (start < 0 || length < 0 || start + length > n)
            throw ShapeErrors.RangeOutOfBounds("slice", x.ShapeArray, a, start, start + length);
        if (start == 0 && length == n) return x;
        var y = Tensor.Empty(Shapes.With(x.ShapeArray, a, length), x.DType);
        var (outer, _, inner) = Dispatch.Split(x.ShapeArray, a);
        Launch.Run(new SliceLaunch(x, y, outer, n, inner, start, length, pad: false), x);
        if (Node.NeedsNode(x))
        {
            var node = New<SliceNode>();
            (node._axis, node._start) = (a, start);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _start, OutputShape[_axis], "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        int n = Input(0).ShapeArray[_axis];
        grads[0] = g.Pad(_axis, _start, n - _start - g.ShapeArray[_axis]);
    }

    protected internal override bool ReturnsFreshGradients => true;

    protected internal override bool TryAddGradientInto(Tensor pending, Tensor g)
    {
        if (pending.DType != g.DType) return false;
        var (outer, n, inner) = Dispatch.Split(pending.ShapeArray, _axis);
        Launch.Run(new SliceAddLaunch(g, pending, outer, n, inner, _start, g.ShapeArray[_axis]), g, pending);
        return true;
    }
}

/// <summary>The adjoint of a slice added in place: y[o, start + j, i] += x[o, j, i] for y viewed as [outer, n, inner].</summary>
internal readonly struct SliceAddLaunch(Tensor x, Tensor y, int outer, int n, int inner, int start, int length) : ILaunch
{
    public void Run()
    {
        y.Storage.Version++;
        int rowIn = length * inner, rowOut = n * inner;
        if (rowIn == 0) return;
        if (x.DType == DType.Float32)
        {
            ReadOnlySpan<float> a = x.SpanF;
            Span<float> b = y.SpanF;
            for (int o = 0; o < outer; o++)
            {
                var dst = b.Slice(o * rowOut + start * inner, rowIn);
                System.Numerics.Tensors.TensorPrimitives.Add(dst, a.Slice(o * rowIn, rowIn), dst);
            }
        }
        else
        {
            ReadOnlySpan<double> a = x.SpanD;
            Span<double> b = y.SpanD;
            for (int o = 0; o < outer; o++)
            {
                var dst = b.Slice(o * rowOut + start * inner, rowIn);
                System.Numerics.Tensors.TensorPrimitives.Add(dst, a.Slice(o * rowIn, rowIn), dst);
            }
        }
    }
}

/// <summary>
/// A slice of x (viewed as [outer, n, inner]) into y, or with <c>pad</c> x into that range of a
/// larger y: the kernel of slice, pad and concat.
/// </summary>
internal readonly struct SliceLaunch(Tensor x, Tensor y, int outer, int n, int inner, int start, int length, bool pad) : ILaunch
{
    public void Run()
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
}

public sealed partial class Tensor
{
    /// <summary>Elements [start, start+length) along <paramref name="axis"/>.</summary>
    /// <exception cref="ShapeException">The range does not fit in the axis.</exception>
    public Tensor Slice(int axis, int start, int length, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        SliceNode.Apply(this, axis, start, length, file, line);

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
}
