using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// take_along_axis: y[o, j, i] = x[o, idx[o, j, i], i] for x viewed as [outer, n, inner] around the
/// axis and y as [outer, k, inner] — the values of sort and topk, with idx the positions the sort
/// found. Its adjoint is put_along_axis, and put's is take, so gradients of any order go through them.
/// </summary>
internal sealed class TakeAlongNode : Node, INodeType<TakeAlongNode>
{
    public static TakeAlongNode Create() => new();

    private int _axis;
    private int[] _index = [];

    public override string Name => "take_along_axis";
    public override string Rule => "y_j = x_{idx_j} along an axis (sort, topk);  G added back at the positions idx (put_along_axis)";
    protected override bool SavesInput(int i) => false;

    /// <summary>Takes k entries per lane at <paramref name="index"/> (filled by an earlier launch, or fixed), recording the node.</summary>
    public static Tensor Apply(Tensor x, int axis, int[] index, int k, string file, int line)
    {
        var y = Tensor.Empty(Shapes.With(x.ShapeArray, axis, k), x.DType);
        var (outer, n, inner) = Dispatch.Split(x.ShapeArray, axis);
        Launch.Run(new AlongLaunch(x, y, index, outer, n, k, inner, put: false), x);
        if (Node.NeedsNode(x))
        {
            var node = New<TakeAlongNode>();
            (node._axis, node._index) = (axis, index);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _index, OutputShape[_axis], "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = PutAlongNode.Apply(g, _axis, _index, Input(0).ShapeArray[_axis], "", 0);
}

/// <summary>put_along_axis: zeros of size n along the axis with y[o, idx[o, j, i], i] += x[o, j, i]; the adjoint of take_along_axis.</summary>
internal sealed class PutAlongNode : Node, INodeType<PutAlongNode>
{
    public static PutAlongNode Create() => new();

    private int _axis;
    private int[] _index = [];

    public override string Name => "put_along_axis";
    public override string Rule => "y_{idx_j} += x_j along an axis, zeros elsewhere (sort's backward);  G taken at idx (take_along_axis)";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, int[] index, int n, string file, int line)
    {
        var y = Tensor.Empty(Shapes.With(x.ShapeArray, axis, n), x.DType);
        var (outer, k, inner) = Dispatch.Split(x.ShapeArray, axis);
        Launch.Run(new AlongLaunch(y, x, index, outer, n, k, inner, put: true), x);
        if (Node.NeedsNode(x))
        {
            var node = New<PutAlongNode>();
            (node._axis, node._index) = (axis, index);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _index, OutputShape[_axis], "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = TakeAlongNode.Apply(g, _axis, _index, Input(0).ShapeArray[_axis], "", 0);
}

/// <summary>
/// The kernel of both: <c>full</c> is viewed as [outer, n, inner], <c>part</c> as [outer, k, inner],
/// and index as [outer, k, inner] positions in [0, n). Take writes part from full; put clears full
/// and adds part into it.
/// </summary>
internal readonly struct AlongLaunch(Tensor full, Tensor part, int[] index, int outer, int n, int k, int inner, bool put) : ILaunch
{
    public void Run()
    {
        if (full.DType == DType.Float32) Run<float>(full.SpanF, part.SpanF); else Run<double>(full.SpanD, part.SpanD);
    }

    private void Run<T>(Span<T> f, Span<T> p) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (put) f.Clear();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                for (int i = 0; i < inner; i++)
                {
                    int at = (o * k + j) * inner + i, from = (o * n + index[at]) * inner + i;
                    if (put) f[from] += p[at]; else p[at] = f[from];
                }
    }
}

/// <summary>
/// Finds, for each lane along an axis, the positions of its k smallest (or largest) values in
/// order: a stable merge sort of positions (equal values keep their original order), NaN ordered
/// above every number as PyTorch does (last ascending, first descending). A launch, so a replay
/// sorts the new values again into the same index array.
/// </summary>
internal readonly struct SortLaunch(Tensor x, int[] index, int outer, int n, int k, int inner, bool descending) : ILaunch
{
    private readonly int[] _lane = new int[n], _scratch = new int[n];

    public void Run()
    {
        if (x.DType == DType.Float32) Run<float>(x.SpanF); else Run<double>(x.SpanD);
    }

    private void Run<T>(ReadOnlySpan<T> v) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseAt = o * n * inner + i;
                for (int j = 0; j < n; j++) _lane[j] = j;
                // Bottom-up merge sort: runs of width w merged pairwise, taking from the left on ties (stable).
                for (int w = 1; w < n; w *= 2)
                {
                    for (int lo = 0; lo < n; lo += 2 * w)
                    {
                        int mid = Math.Min(lo + w, n), hi = Math.Min(lo + 2 * w, n), a = lo, b = mid, t = lo;
                        while (a < mid && b < hi)
                            _scratch[t++] = Before(v[baseAt + _lane[b] * inner], v[baseAt + _lane[a] * inner]) ? _lane[b++] : _lane[a++];
                        while (a < mid) _scratch[t++] = _lane[a++];
                        while (b < hi) _scratch[t++] = _lane[b++];
                    }
                    _scratch.AsSpan(0, n).CopyTo(_lane);
                }
                for (int j = 0; j < k; j++) index[(o * k + j) * inner + i] = _lane[j];
            }
    }

    /// <summary>Whether p must come strictly before q (NaN is the largest value).</summary>
    private bool Before<T>(T p, T q) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        bool pn = T.IsNaN(p), qn = T.IsNaN(q);
        if (pn || qn) return descending ? pn && !qn : qn && !pn;
        return descending ? p > q : p < q;
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Sorts along <paramref name="axis"/> (torch.sort with stable=True): the sorted values, with a
    /// gradient that goes back to each value's original position, and the indices (row-major in the
    /// values' shape) of each value along the axis. Stable: equal values keep their original order,
    /// also when descending; NaN sorts above every number (last ascending, first descending), as in
    /// PyTorch. Inside a <see cref="Memory.StepPlan"/> the replay sorts again and rewrites the same
    /// index array.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    public (Tensor Values, int[] Indices) Sort(int axis = -1, bool descending = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("sort", axis, Rank);
        return SortTop(a, ShapeArray[a], descending, file, line);
    }

    /// <summary>
    /// The <paramref name="k"/> largest (or with <paramref name="largest"/> false, smallest) values
    /// along <paramref name="axis"/> in sorted order, and their indices (torch.topk, sorted=True).
    /// Ties are resolved stably — the earlier position first — where PyTorch leaves the order
    /// unspecified. The gradient goes back to the selected positions, 0 elsewhere.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is outside [0, n] for the axis' size n.</exception>
    public (Tensor Values, int[] Indices) TopK(int k, int axis = -1, bool largest = true, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("topk", axis, Rank);
        Guard.InRange("topk", nameof(k), k, 0, ShapeArray[a]);
        return SortTop(a, k, largest, file, line);
    }

    private (Tensor, int[]) SortTop(int axis, int k, bool descending, string file, int line)
    {
        var (outer, n, inner) = Dispatch.Split(ShapeArray, axis);
        var index = new int[outer * k * inner];
        Launch.Run(new SortLaunch(this, index, outer, n, k, inner, descending), this);
        return (TakeAlongNode.Apply(this, axis, index, k, file, line), index);
    }
}
