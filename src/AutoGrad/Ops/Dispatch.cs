using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Memory;

namespace AutoGrad.Ops;

/// <summary>
/// Runs kernels on tensors: allocates the output and picks the float or double instantiation.
/// Inside <see cref="StepPlan.Capture"/> each kernel run is also recorded for replay into the same
/// output (the pattern every op follows: compute eagerly, then, if a trace is recording, append
/// the same "compute into these buffers" call from a small static helper, so the eager path never
/// creates a closure).
/// </summary>
internal static class Dispatch
{
    public static bool ShouldRecord(Tensor a) => a.RequiresGrad && Tape.IsRecording;

    public static bool ShouldRecord(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && Tape.IsRecording;

    /// <summary>Below this length the scalar form beats the vector form's setup cost.</summary>
    private const int Tiny = 4;

    public static Tensor Unary<K>(Tensor x, double p = 0) where K : IUnaryKernel
    {
        var y = Tensor.EmptyLike(x);
        UnaryInto<K>(x, y, p);
        if (StepTrace.Current is { } trace) TraceUnary<K>(trace, x, y, p);
        return y;
    }

    private static void UnaryInto<K>(Tensor x, Tensor y, double p) where K : IUnaryKernel
    {
        if (x.DType == DType.Float32) Run<K, float>(x.SpanF, y.SpanF, (float)p);
        else Run<K, double>(x.SpanD, y.SpanD, p);
    }

    private static void TraceUnary<K>(StepTrace trace, Tensor x, Tensor y, double p) where K : IUnaryKernel =>
        trace.Add(() => UnaryInto<K>(x, y, p), x);

    private static void Run<K, T>(Span<T> x, Span<T> y, T p) where K : IUnaryKernel where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (x.Length <= Tiny)
            for (int i = 0; i < x.Length; i++) y[i] = K.Invoke(x[i], p);
        else
            K.Run<T>(x, y, p);
    }

    public static Tensor Binary<K>(string op, Tensor a, Tensor b) where K : IBinaryKernel
    {
        Check.SameDType(op, a, b);
        // Shape arrays are never mutated, so an equal shape is shared rather than copied.
        var shape = Shapes.Equal(a.ShapeArray, b.ShapeArray) ? a.ShapeArray
            : Shapes.Numel(b.ShapeArray) == 1 && a.Rank >= b.Rank ? a.ShapeArray
            : Shapes.Broadcast(op, a.ShapeArray, b.ShapeArray);
        var y = Tensor.Empty(shape, a.DType);
        BinaryInto<K>(a, b, y);
        if (StepTrace.Current is { } trace) TraceBinary<K>(trace, a, b, y);
        return y;
    }

    private static void BinaryInto<K>(Tensor a, Tensor b, Tensor y) where K : IBinaryKernel
    {
        if (a.DType == DType.Float32) Broadcast.Binary<K, float>(a.SpanF, a.ShapeArray, b.SpanF, b.ShapeArray, y.SpanF, y.ShapeArray);
        else Broadcast.Binary<K, double>(a.SpanD, a.ShapeArray, b.SpanD, b.ShapeArray, y.SpanD, y.ShapeArray);
    }

    private static void TraceBinary<K>(StepTrace trace, Tensor a, Tensor b, Tensor y) where K : IBinaryKernel =>
        trace.Add(() => BinaryInto<K>(a, b, y), a, b);

    /// <summary>Views a shape as [outer, n, inner] around one axis.</summary>
    public static (int Outer, int N, int Inner) Split(int[] shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }
}
