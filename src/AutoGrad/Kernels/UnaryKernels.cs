using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// An elementwise kernel y = f(x; p) as an operator struct: <see cref="Run"/> is the fast span
/// version (usually <see cref="TensorPrimitives"/>), <see cref="Invoke"/> the scalar reference the
/// tests compare it with. <c>p</c> is the op's scalar parameter where it has one (pow's exponent).
/// </summary>
public interface IUnaryKernel
{
    /// <summary>y[i] = f(x[i]; p) for every i.</summary>
    static abstract void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The scalar definition of f.</summary>
    static abstract T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>y = -x.</summary>
public readonly struct NegKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => -x;
}

/// <summary>y = e^x.</summary>
public readonly struct ExpKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
}

/// <summary>y = ln x.</summary>
public readonly struct LogKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
}

/// <summary>y = √x.</summary>
public readonly struct SqrtKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
}

/// <summary>y = |x|.</summary>
public readonly struct AbsKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x);
}

/// <summary>y = sign(x): 1, -1, or x itself for ±0 and NaN.</summary>
public readonly struct SignKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = Invoke(x[i], p);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : x;
}

/// <summary>y = tanh x.</summary>
/// <remarks>
/// Not TensorPrimitives.Tanh: in System.Numerics.Tensors 11.0 it loses all relative accuracy near 0
/// (tanh(0) gives −6e−8 in float32), which the kernel tests caught. float32 runs a vector loop of
/// its own: for |x| &lt; 0.5 the odd Taylor series through x¹⁷ (truncation below 1e−8 relative),
/// otherwise 1 − 2/(e^{2|x|} + 1) (no cancellation there: the result is ≥ 0.46), with x's sign.
/// float64 keeps the scalar <c>Math.Tanh</c>.
/// </remarks>
public readonly struct TanhKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (typeof(T) == typeof(float))
            i = TanhVector(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(y));
        for (; i < x.Length; i++) y[i] = T.Tanh(x[i]);
    }

    /// <summary>The whole vectors of x (512-bit where the CPU has them); returns how many elements it did (the rest go to the scalar loop).</summary>
    private static int TanhVector(ReadOnlySpan<float> x, Span<float> y)
    {
        if (!Vector.IsHardwareAccelerated) return 0;
        int i = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? TanhFloat.Run512(x, y) : 0;
        return i + TanhFloat.Run(x[i..], y[i..]);
    }

    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
}

/// <summary>y = 1/(1+e^{-x}).</summary>
public readonly struct SigmoidKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // TensorPrimitives.Sigmoid rejects empty spans.
        if (!x.IsEmpty) TensorPrimitives.Sigmoid(x, y);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}

/// <summary>y = max(x, 0); NaN stays NaN.</summary>
public readonly struct ReluKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x) ? x : x > T.Zero ? x : T.Zero;
}

/// <summary>y = ln(1+e^x), computed stably as max(x,0) + log1p(e^{-|x|}).</summary>
public readonly struct SoftplusKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = Invoke(x[i], p);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(x)) return x;
        T m = x > T.Zero ? x : T.Zero;
        return m + Log1P(T.Exp(-T.Abs(x)));
    }

    /// <summary>ln(1+u) accurate for small u (Goldberg's trick; .NET's LogP1 is log(1+u)).</summary>
    internal static T Log1P<T>(T u) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T w = T.One + u;
        if (w == T.One) return u;
        if (T.IsPositiveInfinity(w)) return w;
        return T.Log(w) * u / (w - T.One);
    }
}

/// <summary>y = x^p for a scalar exponent p.</summary>
public readonly struct PowKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p == T.CreateTruncating(2)) TensorPrimitives.Multiply(x, x, y);
        else if (p == T.One) x.CopyTo(y);
        else TensorPrimitives.Pow(x, p, y);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => p == T.CreateTruncating(2) ? x * x : T.Pow(x, p);
}

/// <summary>y = x + p for a scalar p.</summary>
public readonly struct AddScalarKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, p, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => x + p;
}

/// <summary>y = x · p for a scalar p.</summary>
public readonly struct MulScalarKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, p, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => x * p;
}
