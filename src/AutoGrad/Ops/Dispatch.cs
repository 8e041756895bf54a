using AutoGrad.Autograd;
using AutoGrad.Kernels;

namespace AutoGrad.Ops;

/// <summary>
/// Runs elementwise kernels on tensors: allocates the output, picks the float or double
/// instantiation, and launches the work through the one funnel (<see cref="Launch"/>).
/// </summary>
internal static class Dispatch
{
    /// <summary>Below this length the scalar form beats the vector form's setup cost.</summary>
    private const int Tiny = 4;

    /// <summary>y = K(x; p), elementwise.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static Tensor Unary<K>(Tensor x, double p = 0) where K : IUnaryKernel
    {
        var y = Tensor.EmptyLike(x);
        Launch.Run(new UnaryLaunch<K>(x, y, p), x);
        return y;
    }

    private readonly struct UnaryLaunch<K>(Tensor x, Tensor y, double p) : ILaunch where K : IUnaryKernel
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Run<float>(x.SpanF, y.SpanF, (float)p);
            else Run<double>(x.SpanD, y.SpanD, p);
        }

        private static void Run<T>(Span<T> x, Span<T> y, T p) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (x.Length <= Tiny)
                for (int i = 0; i < x.Length; i++) y[i] = K.Invoke(x[i], p);
            else
                K.Run<T>(x, y, p);
        }
    }

    /// <summary>y = K(a, b) with NumPy broadcasting.</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Binary<K>(string op, Tensor a, Tensor b) where K : IBinaryKernel
    {
        Guard.SameDType(op, a, b);
        // Shape arrays are never mutated, so an equal shape is shared rather than copied.
        var shape = Shapes.Equal(a.ShapeArray, b.ShapeArray) ? a.ShapeArray
            : Shapes.Numel(b.ShapeArray) == 1 && a.Rank >= b.Rank ? a.ShapeArray
            : Shapes.BroadcastKept(op, a.ShapeArray, b.ShapeArray);
        var y = Tensor.Empty(shape, a.DType);
        Launch.Run(new BinaryLaunch<K>(a, b, y), a, b);
        return y;
    }

    /// <summary>Views a shape as [outer, n, inner] around one axis.</summary>
    public static (int Outer, int N, int Inner) Split(int[] shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }
}
