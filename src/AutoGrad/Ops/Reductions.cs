using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Memory;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

/// <summary>y = Σ over axes of x; dy/dx = 1, so the gradient is g expanded back to x's shape.</summary>
internal sealed class SumNode(int[] axes, int[] keptShape, bool keepDim) : Node
{
    public override string Name => "sum";
    public override string Rule => "y = Σ x over axes;  ∂y/∂x = 1 (G copied back over the summed axes)";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Sum(axes, keepDim);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = g.Reshape(keptShape).Expand(Input(0).ShapeArray);
}

/// <summary>
/// y = max over axes of x; dy/dx = 1/k at the k positions that attain the maximum (ties share the
/// gradient equally, which lies between the one-sided derivatives), 0 elsewhere.
/// </summary>
internal sealed class MaxNode(int[] axes, int[] keptShape, bool keepDim) : Node
{
    public override string Name => "max";
    public override string Rule => "y = max x over axes;  ∂y/∂x = 1/k at the k maximal elements, 0 elsewhere";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Max(axes, keepDim);
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var x = Input(0);
        // The mask is built from detached values, so it is a constant even under create-graph.
        var mask = Tensor.Eq(x.Detach(), Output.Detach().Reshape(keptShape));
        mask = mask / mask.Sum(axes, keepDim: true);
        grads[0] = g.Reshape(keptShape).SafeMul(mask);
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Sum over <paramref name="axes"/> (all axes when null), dropping them unless
    /// <paramref name="keepDim"/>; dy/dx = 1.
    /// </summary>
    /// <exception cref="ShapeException">An axis is out of range or repeated.</exception>
    public Tensor Sum(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var ax = Shapes.NormalizeAxes("sum", axes, Rank);
        var kept = Shapes.Reduced(ShapeArray, ax, keepDim: true);
        var y = ReduceKernel("sum", ax, kept, max: false);
        if (!keepDim) y = y.ReshapeView(Shapes.Reduced(ShapeArray, ax, keepDim: false));
        if (ShouldRecord(this)) Node.Record(new SumNode(ax, kept, keepDim), y, this, file, line);
        return y;
    }

    /// <summary>Sum over one axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Sum([axis], keepDim, file, line);

    /// <summary>
    /// Maximum over <paramref name="axes"/> (all when null); NaN propagates. The gradient goes to
    /// the maximal elements, split equally among ties.
    /// </summary>
    /// <exception cref="ShapeException">An axis is out of range, or a reduced axis has size 0.</exception>
    public Tensor Max(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var ax = Shapes.NormalizeAxes("max", axes, Rank);
        foreach (int a in ax)
            if (ShapeArray[a] == 0)
                throw ShapeErrors.EmptyReduction("max", ShapeArray, a);
        var kept = Shapes.Reduced(ShapeArray, ax, keepDim: true);
        var y = ReduceKernel("max", ax, kept, max: true);
        if (!keepDim) y = y.ReshapeView(Shapes.Reduced(ShapeArray, ax, keepDim: false));
        if (ShouldRecord(this)) Node.Record(new MaxNode(ax, kept, keepDim), y, this, file, line);
        return y;
    }

    /// <summary>Maximum over one axis.</summary>
    public Tensor Max(int axis, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Max([axis], keepDim, file, line);

    /// <summary>
    /// Index of the largest element along <paramref name="axis"/> for every position of the other
    /// axes (the first one at ties; NaN counts as largest). Not differentiable: returns integers,
    /// e.g. the predicted class of each row of logits.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range or has size 0.</exception>
    /// <exception cref="InvalidOperationException">Called inside <see cref="StepPlan.Capture"/> (it reads values into C#).</exception>
    public int[] ArgMax(int axis = -1)
    {
        StepTrace.Refuse("ArgMax", StepTrace.ReadRefusal);
        int a = Shapes.NormalizeAxis("argmax", axis, Rank);
        var (outer, n, inner) = Split(ShapeArray, a);
        if (n == 0) throw ShapeErrors.EmptyReduction("argmax", ShapeArray, a);
        var result = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                double bv = GetFlat(o * n * inner + i);
                for (int j = 1; j < n && !double.IsNaN(bv); j++)
                {
                    double v = GetFlat((o * n + j) * inner + i);
                    if (v > bv || double.IsNaN(v)) { bv = v; best = j; }
                }
                result[o * inner + i] = best;
            }
        return result;
    }

    /// <summary>Runs the kernel axis by axis (merging adjacent axes), giving the keep-dim shape.</summary>
    private Tensor ReduceKernel(string op, int[] axes, int[] kept, bool max)
    {
        var cur = this;
        var shape = (int[])ShapeArray.Clone();
        int i = axes.Length - 1;
        if (axes.Length == 0) return Clone().ReshapeView(kept);
        while (i >= 0)
        {
            // Merge a run of consecutive axes [first..last] into one reduction.
            int last = axes[i], first = last;
            while (i > 0 && axes[i - 1] == first - 1) { first--; i--; }
            i--;
            int outer = 1, n = 1, inner = 1;
            for (int d = 0; d < first; d++) outer *= shape[d];
            for (int d = first; d <= last; d++) n *= shape[d];
            for (int d = last + 1; d < shape.Length; d++) inner *= shape[d];
            for (int d = first; d <= last; d++) shape[d] = 1;
            var y = Empty((int[])shape.Clone(), DType);
            ReduceInto(cur, y, outer, n, inner, max);
            if (StepTrace.Current is { } trace) trace.Add(ReplayReduce(cur, y, outer, n, inner, max), cur);
            cur = y;
        }
        return cur;
    }

    private static void ReduceInto(Tensor x, Tensor y, int outer, int n, int inner, bool max)
    {
        if (x.DType == DType.Float32)
        {
            if (max) Reduce.Max(x.SpanF, outer, n, inner, y.SpanF); else Reduce.Sum(x.SpanF, outer, n, inner, y.SpanF);
        }
        else
        {
            if (max) Reduce.Max(x.SpanD, outer, n, inner, y.SpanD); else Reduce.Sum(x.SpanD, outer, n, inner, y.SpanD);
        }
    }

    private static Action ReplayReduce(Tensor x, Tensor y, int outer, int n, int inner, bool max) => () => ReduceInto(x, y, outer, n, inner, max);

    /// <summary>
    /// Sums this gradient-shaped tensor down to <paramref name="shape"/>, undoing NumPy
    /// broadcasting: leading dimensions are summed away and dimensions that are 1 in
    /// <paramref name="shape"/> are summed with keep-dim. The one place where broadcasting is undone.
    /// </summary>
    /// <exception cref="ShapeException"><paramref name="shape"/> does not broadcast to this tensor's shape.</exception>
    public Tensor SumToShape(ReadOnlySpan<int> shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Shapes.Equal(ShapeArray, shape)) return this;
        if (!Shapes.BroadcastsTo(shape, ShapeArray))
            throw ShapeErrors.CannotSumTo(ShapeArray, shape);
        int lead = Rank - shape.Length;
        var axes = new List<int>();
        for (int d = 0; d < Rank; d++)
            if (d < lead || (shape[d - lead] == 1 && ShapeArray[d] != 1)) axes.Add(d);
        var target = shape.ToArray();
        return axes.Count == 0 ? Reshape(target, file, line) : Sum([.. axes], keepDim: true, file, line).Reshape(target, file, line);
    }
}
