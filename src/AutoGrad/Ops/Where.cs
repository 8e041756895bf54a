using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// where: y = cond ? a : b (cond nonzero means true), all three broadcast together. The gradient
/// of the branch not taken is exactly zero, and every backward rule keeps a zero gradient zero, so
/// <c>Where(x &gt; 0, x.Log(), 0)</c> has a finite gradient everywhere. cond is a constant input.
/// </summary>
internal sealed class WhereNode : Node, INodeType<WhereNode>
{
    public static WhereNode Create() => new();

    public override string Name => "where";
    public override string Rule => "y = cond ? a : b;  ∂y/∂a = [cond], ∂y/∂b = [not cond]";
    protected override bool SavesInput(int i) => i == 0;

    public static Tensor Apply(Tensor cond, Tensor a, Tensor b, string file, int line)
    {
        Guard.SameDType("where", a, b);
        Guard.SameDType("where", cond, a);
        if (!Shapes.TryBroadcast(cond.ShapeArray, a.ShapeArray, out var ca) || !Shapes.TryBroadcast(ca, b.ShapeArray, out var shape))
            throw ShapeErrors.NotBroadcastable("where", ("cond", cond.ShapeArray), ("a", a.ShapeArray), ("b", b.ShapeArray));
        var y = Tensor.Empty(shape, a.DType);
        Launch.Run(new WhereLaunch(cond, a, b, y), cond, a, b);
        if (Node.NeedsNode(a, b)) Record(New<WhereNode>(), y, [cond.Detach(), a, b], file, line);
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x[1], x[2], "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t)
    {
        if (t[1] is null && t[2] is null) return null;
        var zero = Tensor.Scalar(0, y.DType);
        return Tensor.Where(Input(0), t[1] ?? zero, t[2] ?? zero).Expand(y.ShapeArray);
    }

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var cond = Input(0);
        var zero = Tensor.Scalar(0, g.DType);
        if (NeedsGrad(1)) grads[1] = Tensor.Where(cond, g, zero).SumToShape(Input(1).ShapeArray);
        if (NeedsGrad(2)) grads[2] = Tensor.Where(cond, zero, g).SumToShape(Input(2).ShapeArray);
    }

    private readonly struct WhereLaunch(Tensor cond, Tensor a, Tensor b, Tensor y) : IRecordedLaunch
    {
        public void Run()
        {
            var shape = y.ShapeArray;
            if (a.DType == DType.Float32) Broadcast.Where(cond.SpanF, cond.ShapeArray, a.SpanF, a.ShapeArray, b.SpanF, b.ShapeArray, y.SpanF, shape);
            else Broadcast.Where(cond.SpanD, cond.ShapeArray, a.SpanD, a.ShapeArray, b.SpanD, b.ShapeArray, y.SpanD, shape);
        }

        // The kernel's strides are shape bookkeeping: worked out once for a replay, not at every run.
        public ILaunch ForReplay(ILaunchRecorder recorder) => new StridedWhereLaunch(cond, a, b, y,
            Broadcast.AlignedStrides(cond.ShapeArray, y.ShapeArray), Broadcast.AlignedStrides(a.ShapeArray, y.ShapeArray), Broadcast.AlignedStrides(b.ShapeArray, y.ShapeArray));
    }

    private sealed class StridedWhereLaunch(Tensor cond, Tensor a, Tensor b, Tensor y, int[] sc, int[] sa, int[] sb) : ILaunch
    {
        public void Run()
        {
            if (a.DType == DType.Float32) Broadcast.WhereStrided(cond.SpanF, sc, a.SpanF, sa, b.SpanF, sb, y.SpanF, y.ShapeArray);
            else Broadcast.WhereStrided(cond.SpanD, sc, a.SpanD, sa, b.SpanD, sb, y.SpanD, y.ShapeArray);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// y = cond ? a : b elementwise (cond nonzero is true), all three broadcast together. The
    /// untaken branch gets an exactly zero gradient, and no backward rule turns a zero gradient into
    /// NaN, so <c>Where(x &gt; 0, x.Log(), 0)</c> is safe.
    /// </summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => WhereNode.Apply(cond, a, b, file, line);

    /// <summary>Where with a constant for the false branch.</summary>
    public static Tensor Where(Tensor cond, Tensor a, double b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Where(cond, a, Full(b, a.DType), file, line);

    /// <summary>Where with a constant for the true branch.</summary>
    public static Tensor Where(Tensor cond, double a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Where(cond, Full(a, b.DType), b, file, line);
}
