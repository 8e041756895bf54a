using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Memory;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

/// <summary>
/// y = cond ? a : b (cond nonzero means true), with broadcasting; dy/da = [cond], dy/db = [¬cond].
/// The gradient of the branch not taken is exactly zero, and every backward rule keeps a zero
/// gradient zero, so <c>Where(x &gt; 0, x.Log(), 0)</c> has a finite gradient everywhere.
/// </summary>
internal sealed class WhereNode : Node
{
    public override string Name => "where";
    public override string Rule => "y = cond ? a : b;  ∂y/∂a = [cond], ∂y/∂b = [not cond]";
    protected internal override Tensor Forward(Tensor[] x) => Tensor.Where(x[0], x[1], x[2]);
    protected override bool SavesInput(int i) => i == 0;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var cond = Input(0);
        var zero = Tensor.Scalar(0, g.DType);
        if (NeedsGrad(1)) grads[1] = Tensor.Where(cond, g, zero).SumToShape(Input(1).ShapeArray);
        if (NeedsGrad(2)) grads[2] = Tensor.Where(cond, zero, g).SumToShape(Input(2).ShapeArray);
    }
}

public sealed partial class Tensor
{
    // Comparisons are not differentiable: their outputs are 0/1 constants of the inputs' dtype.
    private static Tensor Compare<K>(string op, Tensor a, Tensor b) where K : IBinaryKernel => Binary<K>(op, a, b);

    // lt and le run the gt and ge kernels on (b, a): the operands are checked in the user's order
    // first, so an error lists them as written.
    private static Tensor CompareSwapped<K>(string op, Tensor a, Tensor b) where K : IBinaryKernel
    {
        Check.SameDType(op, a, b);
        if (!Shapes.Equal(a.ShapeArray, b.ShapeArray)) Shapes.Broadcast(op, a.ShapeArray, b.ShapeArray);
        return Binary<K>(op, b, a);
    }

    /// <summary>1 where a &gt; b, else 0 (broadcasting; not differentiable).</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Compare<GreaterKernel>("gt", a, b);

    /// <summary>1 where a ≥ b, else 0.</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Compare<GreaterEqualKernel>("ge", a, b);

    /// <summary>1 where a &lt; b, else 0.</summary>
    public static Tensor Lt(Tensor a, Tensor b) => CompareSwapped<GreaterKernel>("lt", a, b);

    /// <summary>1 where a ≤ b, else 0.</summary>
    public static Tensor Le(Tensor a, Tensor b) => CompareSwapped<GreaterEqualKernel>("le", a, b);

    /// <summary>1 where a == b, else 0.</summary>
    public static Tensor Eq(Tensor a, Tensor b) => Compare<EqualKernel>("eq", a, b);

    /// <summary>1 where a != b (or either is NaN), else 0.</summary>
    public static Tensor Ne(Tensor a, Tensor b) => Compare<NotEqualKernel>("ne", a, b);

    /// <summary>1 where this &gt; c, else 0.</summary>
    public Tensor Gt(double c) => Gt(this, Full(c, DType));

    /// <summary>1 where this ≥ c, else 0.</summary>
    public Tensor Ge(double c) => Ge(this, Full(c, DType));

    /// <summary>1 where this &lt; c, else 0.</summary>
    public Tensor Lt(double c) => Lt(this, Full(c, DType));

    /// <summary>1 where this ≤ c, else 0.</summary>
    public Tensor Le(double c) => Le(this, Full(c, DType));

    /// <summary>1 where this == c, else 0.</summary>
    public Tensor Eq(double c) => Eq(this, Full(c, DType));

    /// <summary>Elementwise a &gt; b as 0/1.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => Gt(a, b);

    /// <summary>Elementwise a &lt; b as 0/1.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => Lt(a, b);

    /// <summary>Elementwise a ≥ b as 0/1.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => Ge(a, b);

    /// <summary>Elementwise a ≤ b as 0/1.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => Le(a, b);

    /// <summary>Elementwise x &gt; c as 0/1.</summary>
    public static Tensor operator >(Tensor a, double c) => a.Gt(c);

    /// <summary>Elementwise x &lt; c as 0/1.</summary>
    public static Tensor operator <(Tensor a, double c) => a.Lt(c);

    /// <summary>Elementwise x ≥ c as 0/1.</summary>
    public static Tensor operator >=(Tensor a, double c) => a.Ge(c);

    /// <summary>Elementwise x ≤ c as 0/1.</summary>
    public static Tensor operator <=(Tensor a, double c) => a.Le(c);

    /// <summary>
    /// y = cond ? a : b elementwise (cond nonzero is true), all three broadcast together;
    /// dy/da = [cond], dy/db = [not cond]. The untaken branch gets an exactly zero gradient, and no
    /// backward rule turns a zero gradient into NaN, so <c>Where(x &gt; 0, x.Log(), 0)</c> is safe.
    /// </summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Check.SameDType("where", a, b);
        Check.SameDType("where", cond, a);
        if (!Shapes.TryBroadcast(cond.ShapeArray, a.ShapeArray, out var ca) || !Shapes.TryBroadcast(ca, b.ShapeArray, out var shape))
            throw ShapeErrors.NotBroadcastable("where", ("cond", cond.ShapeArray), ("a", a.ShapeArray), ("b", b.ShapeArray));
        var y = Empty(shape, a.DType);
        if (a.DType == DType.Float32) Broadcast.Where(cond.SpanF, cond.ShapeArray, a.SpanF, a.ShapeArray, b.SpanF, b.ShapeArray, y.SpanF, shape);
        else Broadcast.Where(cond.SpanD, cond.ShapeArray, a.SpanD, a.ShapeArray, b.SpanD, b.ShapeArray, y.SpanD, shape);
        if (StepTrace.Current is { } trace) TraceWhere(trace, cond, a, b, y);
        if ((a.RequiresGrad || b.RequiresGrad) && Tape.IsRecording) Node.Record(new WhereNode(), y, [cond.Detach(), a, b], file, line);
        return y;
    }

    private static void TraceWhere(StepTrace trace, Tensor cond, Tensor a, Tensor b, Tensor y)
    {
        // The kernel's strides are shape bookkeeping: worked out once here, not at every replay.
        var shape = y.ShapeArray;
        var sc = Broadcast.AlignedStrides(cond.ShapeArray, shape);
        var sa = Broadcast.AlignedStrides(a.ShapeArray, shape);
        var sb = Broadcast.AlignedStrides(b.ShapeArray, shape);
        trace.Add(() =>
        {
            if (a.DType == DType.Float32) Broadcast.WhereStrided(cond.SpanF, sc, a.SpanF, sa, b.SpanF, sb, y.SpanF, shape);
            else Broadcast.WhereStrided(cond.SpanD, sc, a.SpanD, sa, b.SpanD, sb, y.SpanD, shape);
        }, cond, a, b);
    }

    /// <summary>Where with a constant for the false branch.</summary>
    public static Tensor Where(Tensor cond, Tensor a, double b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Where(cond, a, Full(b, a.DType), file, line);

    /// <summary>Where with a constant for the true branch.</summary>
    public static Tensor Where(Tensor cond, double a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Where(cond, Full(a, b.DType), b, file, line);
}
