using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// An elementwise kernel y = f(a, b) as an operator struct: span versions for the three
/// contiguous cases (both spans, scalar on the right, scalar on the left) and the scalar
/// reference <see cref="Invoke"/>. <see cref="Broadcast"/> drives it over broadcast shapes.
/// </summary>
public interface IBinaryKernel
{
    /// <summary>y[i] = f(a[i], b[i]).</summary>
    static abstract void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>y[i] = f(a[i], b).</summary>
    static abstract void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>y[i] = f(a, b[i]).</summary>
    static abstract void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The scalar definition of f.</summary>
    static abstract T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Loops for kernels that have no TensorPrimitives form.</summary>
internal static class ScalarLoop
{
    public static void Run<K, T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where K : IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++) y[i] = K.Invoke(a[i], b[i]);
    }

    public static void Run<K, T>(ReadOnlySpan<T> a, T b, Span<T> y) where K : IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++) y[i] = K.Invoke(a[i], b);
    }

    public static void Run<K, T>(T a, ReadOnlySpan<T> b, Span<T> y) where K : IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++) y[i] = K.Invoke(a, b[i]);
    }
}

/// <summary>y = a + b.</summary>
public readonly struct AddKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(b, a, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
}

/// <summary>y = a − b.</summary>
public readonly struct SubKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
}

/// <summary>y = a · b.</summary>
public readonly struct MulKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(b, a, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
}

/// <summary>y = a / b.</summary>
public readonly struct DivKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
}

/// <summary>
/// y = a · b, except that y = 0 when either factor is exactly 0 (even if the other is ±∞ or NaN).
/// Backward rules multiply by local derivatives with it, so a gradient that is structurally zero
/// (the untaken branch of <c>Where</c>) stays zero through a log or a division by zero.
/// </summary>
public readonly struct SafeMulKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; i <= y.Length - w; i += w)
            {
                var va = new Vector<T>(a[i..]);
                var vb = new Vector<T>(b[i..]);
                var zero = Vector.Equals(va, Vector<T>.Zero) | Vector.Equals(vb, Vector<T>.Zero);
                Vector.ConditionalSelect(zero, Vector<T>.Zero, va * vb).CopyTo(y[i..]);
            }
        }
        for (; i < y.Length; i++) y[i] = Invoke(a[i], b[i]);
    }
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (b == T.Zero) y.Clear();
        else Run(b, a, y);
    }
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a == T.Zero) { y.Clear(); return; }
        // Not a plain multiply even for finite a: a zero b[i] must give +0 as Invoke does, not −0 when a < 0.
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var va = new Vector<T>(a);
            for (; i <= y.Length - w; i += w)
            {
                var vb = new Vector<T>(b[i..]);
                Vector.ConditionalSelect(Vector.Equals(vb, Vector<T>.Zero), Vector<T>.Zero, va * vb).CopyTo(y[i..]);
            }
        }
        for (; i < y.Length; i++) y[i] = Invoke(a, b[i]);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a == T.Zero || b == T.Zero ? T.Zero : a * b;
}

/// <summary>Comparison kernels: 1 where the relation holds, else 0 (NaN compares false, except for !=).</summary>
public readonly struct GreaterKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<GreaterKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<GreaterKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<GreaterKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a > b ? T.One : T.Zero;
}

/// <summary>1 where a ≥ b, else 0.</summary>
public readonly struct GreaterEqualKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<GreaterEqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<GreaterEqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<GreaterEqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a >= b ? T.One : T.Zero;
}

/// <summary>1 where a == b, else 0.</summary>
public readonly struct EqualKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<EqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<EqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<EqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a == b ? T.One : T.Zero;
}

/// <summary>1 where a != b (or either is NaN), else 0.</summary>
public readonly struct NotEqualKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<NotEqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<NotEqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<NotEqualKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a != b ? T.One : T.Zero;
}

/// <summary>y = b·(1 − a²): tanh's local derivative at output a times b, the fused forward-mode rule of tanh (the same three roundings as the ops b·(1 − a·a)).</summary>
public readonly struct TanhTangentKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Multiply(a, a, y);
        TensorPrimitives.Subtract(T.One, y, y);
        TensorPrimitives.Multiply(y, b, y);
    }
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<TanhTangentKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<TanhTangentKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => b * (T.One - a * a);
}
