using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>y = sin x (the scalar <c>Math.Sin</c>, correctly rounded in practice).</summary>
public readonly struct SinKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Sin(x[i]);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x);
}

/// <summary>y = cos x.</summary>
public readonly struct CosKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Cos(x[i]);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
}

/// <summary>y = ln(1 + x), accurate for small x (Goldberg's trick).</summary>
public readonly struct Log1pKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = Invoke(x[i], p);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x) ? x : SoftplusKernel.Log1P(x);
}

/// <summary>
/// y = eˣ − 1, accurate for small x (Kahan's trick: (u − 1)·x / ln u with u = eˣ). .NET's
/// <c>ExpM1</c> is eˣ − 1 computed naively, which loses all digits near 0.
/// </summary>
public readonly struct Expm1Kernel : IUnaryKernel
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
        T u = T.Exp(x);
        if (u == T.One) return x;
        T um1 = u - T.One;
        if (um1 == -T.One || T.IsPositiveInfinity(u)) return um1;
        return um1 * x / T.Log(u);
    }
}

/// <summary>
/// y = erf x = (2/√π) ∫₀ˣ e^{−t²} dt, computed in double to a few ulps (float32 rounds the double):
/// for |x| &lt; 2 the series erf x = (2/√π) e^{−x²} Σₙ 2ⁿ x^{2n+1} / (1·3···(2n+1)), whose terms are
/// all positive (no cancellation); for |x| ≥ 2, 1 − erfc x with erfc from its continued fraction
/// (modified Lentz); ±1 beyond |x| = 6, where erfc is below half an ulp of 1. e^{−x²} uses x² split
/// into a rounded part and its exact error, so large x lose no digits to the rounding of x².
/// </summary>
public readonly struct ErfKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = Invoke(x[i], p);
    }
    /// <inheritdoc/>
    public static T Invoke<T>(T x, T p) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(Erf(double.CreateTruncating(x)));

    /// <summary>erf in double.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        double r = a >= 6 ? 1 : a < 2 ? Series(a) : 1 - Erfc(a);
        return x < 0 ? -r : r;
    }

    /// <summary>e^{−a²} with the rounding error of a² taken into account.</summary>
    private static double ExpMinusSquare(double a)
    {
        double hi = a * a, lo = Math.FusedMultiplyAdd(a, a, -hi);
        return Math.Exp(-hi) * (1 - lo);
    }

    private static double Series(double a)
    {
        double a2 = 2 * a * a, term = a, sum = a;
        for (int n = 1; n < 200; n++)
        {
            term *= a2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return 2 / Math.Sqrt(Math.PI) * ExpMinusSquare(a) * sum;
    }

    /// <summary>erfc a for a ≥ 2: e^{−a²}/(√π f), f = a + (1/2)/(a + 1/(a + (3/2)/(a + …))).</summary>
    private static double Erfc(double a)
    {
        const double tiny = 1e-300;
        double f = a, c = a, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double an = n / 2.0;
            d = a + an * d;
            if (d == 0) d = tiny;
            c = a + an / c;
            if (c == 0) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-17) break;
        }
        return ExpMinusSquare(a) / (Math.Sqrt(Math.PI) * f);
    }
}

/// <summary>y = max(a, b); NaN propagates (either operand NaN gives NaN).</summary>
public readonly struct MaximumKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<MaximumKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<MaximumKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<MaximumKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a > b ? a : a < b ? b : T.IsNaN(a) ? a : b;
}

/// <summary>y = min(a, b); NaN propagates.</summary>
public readonly struct MinimumKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<MinimumKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<MinimumKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static void Run<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoop.Run<MinimumKernel, T>(a, b, y);
    /// <inheritdoc/>
    public static T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a < b ? a : a > b ? b : T.IsNaN(a) ? a : b;
}
