using System.Numerics;
using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// Every vector kernel against its scalar definition, for every length 0..70 (so every vector
/// width and remainder is hit), with NaN, ±Inf and ±0 injected.
/// </summary>
public class ElementwiseKernelTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.0, -1.0];

    private static T[] Data<T>(int n, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Generator((ulong)seed);
        var a = new T[n];
        for (int i = 0; i < n; i++)
            a[i] = T.CreateTruncating(rng.NextInt(5) == 0 ? Specials[rng.NextInt(Specials.Length)] : 6 * rng.NextDouble() - 3);
        return a;
    }

    private static void Same<T>(T expected, T actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected)) { Assert.True(T.IsNaN(actual), $"{what}: expected NaN, got {actual}"); return; }
        // Equals does not tell +0 from −0, so zeros compare their signs explicitly.
        if (T.IsInfinity(expected) || expected == T.Zero) { Assert.True(expected == actual && T.IsNegative(expected) == T.IsNegative(actual), $"{what}: expected {KernelSweep.Show(expected)}, got {KernelSweep.Show(actual)}"); return; }
        double e = double.CreateTruncating(expected), a = double.CreateTruncating(actual);
        double tol = (typeof(T) == typeof(float) ? 1e-5 : 1e-13) * Math.Max(1, Math.Abs(e));
        Assert.True(Math.Abs(e - a) <= tol, $"{what}: expected {e:R}, got {a:R}");
    }

    private static void CheckUnary<K, T>(T p) where K : IUnaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= 70; n++)
        {
            var x = Data<T>(n, n);
            var y = new T[n];
            K.Run<T>(x, y, p);
            for (int i = 0; i < n; i++) Same(K.Invoke(x[i], p), y[i], $"{typeof(K).Name}<{typeof(T).Name}> n={n} x[{i}]={x[i]}");
        }
    }

    private static void CheckBinary<K, T>() where K : IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= 70; n++)
        {
            var a = Data<T>(n, n);
            var b = Data<T>(n, 1000 + n);
            var y = new T[n];
            K.Run<T>(a, b, y);
            for (int i = 0; i < n; i++) Same(K.Invoke(a[i], b[i]), y[i], $"{typeof(K).Name}<{typeof(T).Name}> n={n} ({a[i]}, {b[i]})");
            if (n == 0) continue;
            K.Run<T>(a, b[0], y);
            for (int i = 0; i < n; i++) Same(K.Invoke(a[i], b[0]), y[i], $"{typeof(K).Name} scalar right n={n} ({a[i]}, {b[0]})");
            K.Run<T>(a[0], b, y);
            for (int i = 0; i < n; i++) Same(K.Invoke(a[0], b[i]), y[i], $"{typeof(K).Name} scalar left n={n} ({a[0]}, {b[i]})");
        }
    }

    private static void Unary<K>(double p = 0) where K : IUnaryKernel
    {
        CheckUnary<K, float>((float)p);
        CheckUnary<K, double>(p);
    }

    private static void Binary<K>() where K : IBinaryKernel
    {
        CheckBinary<K, float>();
        CheckBinary<K, double>();
    }

    [Fact] public void Neg() => Unary<NegKernel>();
    [Fact] public void Exp() => Unary<ExpKernel>();
    [Fact] public void Log() => Unary<LogKernel>();
    [Fact] public void Sqrt() => Unary<SqrtKernel>();
    [Fact] public void Abs() => Unary<AbsKernel>();
    [Fact] public void Sigmoid() => Unary<SigmoidKernel>();
    [Fact] public void Relu() => Unary<ReluKernel>();
    [Fact] public void PowSquare() => Unary<PowKernel>(2);
    [Fact] public void PowHalf() => Unary<PowKernel>(0.5);
    [Fact] public void PowMinusThree() => Unary<PowKernel>(-3);
    [Fact] public void AddScalar() => Unary<AddScalarKernel>(1.5);
    [Fact] public void MulScalar() => Unary<MulScalarKernel>(-2.5);
    [Fact] public void Add() => Binary<AddKernel>();
    [Fact] public void Sub() => Binary<SubKernel>();
    [Fact] public void Mul() => Binary<MulKernel>();
    [Fact] public void Div() => Binary<DivKernel>();
    [Fact] public void SafeMul() => Binary<SafeMulKernel>();
    [Fact] public void Greater() => Binary<GreaterKernel>();
    [Fact] public void GreaterEqual() => Binary<GreaterEqualKernel>();
    [Fact] public void Equal() => Binary<EqualKernel>();
    [Fact] public void NotEqual() => Binary<NotEqualKernel>();

    // Sign, tanh and softplus are scalar loops over Invoke (or T.Tanh), so comparing Run with
    // Invoke would test nothing: they are checked against definitions written here in float64,
    // to a relative tolerance per dtype, on data that also has tiny (down to 1e−30) and tail values.

    /// <summary>1 or −1 by Math.Sign; ±0 and NaN are returned as they are.</summary>
    private static double RefSign(double x) => double.IsNaN(x) || x == 0 ? x : Math.Sign(x);

    /// <summary>
    /// tanh without Math.Tanh: sinh/cosh by their Taylor series for |x| &lt; 0.5 (no cancellation
    /// near 0), (1 − e^{−2|x|})/(1 + e^{−2|x|}) up to |x| = 40, and ±1 beyond.
    /// </summary>
    private static double RefTanh(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        double a = Math.Abs(x), t;
        if (a > 40) t = 1;
        else if (a >= 0.5)
        {
            double e = Math.Exp(-2 * a);
            t = (1 - e) / (1 + e);
        }
        else
        {
            double a2 = a * a, sinhTerm = a, sinh = a, coshTerm = 1, cosh = 1;
            for (int k = 1; k <= 12; k++)
            {
                sinhTerm *= a2 / ((2 * k) * (2 * k + 1));
                coshTerm *= a2 / ((2 * k - 1) * (2 * k));
                sinh += sinhTerm;
                cosh += coshTerm;
            }
            t = sinh / cosh;
        }
        return x < 0 ? -t : t;
    }

    /// <summary>ln(1 + e^x) as max(x, 0) + log1p(e^{−|x|}), with log1p(u) = 2·atanh(u / (2 + u)) (exact, and accurate for small u).</summary>
    private static double RefSoftplus(double x)
    {
        if (double.IsNaN(x) || double.IsPositiveInfinity(x)) return x;
        double u = Math.Exp(-Math.Abs(x));
        return Math.Max(x, 0) + 2 * Math.Atanh(u / (2 + u));
    }

    private static T[] WideData<T>(int n, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Generator((ulong)seed + 7);
        var a = new T[n];
        for (int i = 0; i < n; i++)
        {
            double sign = rng.NextInt(2) == 0 ? -1 : 1;
            a[i] = T.CreateTruncating(rng.NextInt(6) switch
            {
                0 => Specials[rng.NextInt(Specials.Length)],
                1 => sign * Math.Pow(10, -1 - rng.NextInt(30)) * (1 + rng.NextDouble()),
                2 => sign * (10 + 50 * rng.NextDouble()),
                _ => 6 * rng.NextDouble() - 3,
            });
        }
        return a;
    }

    private static void CheckAgainst<K, T>(Func<double, double> reference, double relTol) where K : IUnaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n <= 70; n++)
        {
            var x = WideData<T>(n, n);
            var y = new T[n];
            K.Run<T>(x, y, T.Zero);
            for (int i = 0; i < n; i++)
            {
                // The reference is rounded to T first: the kernel can do no better than that.
                double e = double.CreateTruncating(T.CreateTruncating(reference(double.CreateTruncating(x[i]))));
                double a = double.CreateTruncating(y[i]);
                string what = $"{typeof(K).Name}<{typeof(T).Name}> n={n} x[{i}]={double.CreateTruncating(x[i]):R}: expected {e:R}, got {a:R}";
                if (double.IsNaN(e)) Assert.True(double.IsNaN(a), what);
                else if (e == 0 || double.IsInfinity(e)) Assert.True(e.Equals(a) && double.IsNegative(e) == double.IsNegative(a), what);
                else Assert.True(Math.Abs(e - a) <= relTol * Math.Abs(e), what);
            }
        }
    }

    [Fact]
    public void Sign()
    {
        CheckAgainst<SignKernel, float>(RefSign, 0);
        CheckAgainst<SignKernel, double>(RefSign, 0);
    }

    [Fact]
    public void Tanh()
    {
        CheckAgainst<TanhKernel, float>(RefTanh, 4e-7);
        CheckAgainst<TanhKernel, double>(RefTanh, 1e-14);
    }

    /// <summary>
    /// The float32 vector tanh on a dense sweep: every 1/4096 over [−12, 12] (both sides of its
    /// switch at |x| = 0.5 and of saturation), powers of two down to the subnormals, and the
    /// specials; within 4e−7 relative of the float64 reference rounded to float32.
    /// </summary>
    [Fact]
    public void TanhFloatSweep()
    {
        var xs = new List<float>();
        for (int k = -12 * 4096; k <= 12 * 4096; k++) xs.Add(k / 4096f);
        for (float v = 1; v > 0; v /= 2) { xs.Add(v); xs.Add(-v); }
        xs.AddRange([0.5f, -0.5f, BitConverter.Int32BitsToSingle(0x3EFFFFFF), 100f, -100f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -0f]);
        var x = xs.ToArray();
        var y = new float[x.Length];
        TanhKernel.Run<float>(x, y, 0);
        for (int i = 0; i < x.Length; i++)
        {
            double e = (float)RefTanh(x[i]);
            string what = $"tanh({x[i]:R}): expected {e:R}, got {y[i]:R}";
            if (double.IsNaN(e)) Assert.True(float.IsNaN(y[i]), what);
            else if (e == 0) Assert.True(e.Equals((double)y[i]) && double.IsNegative(e) == float.IsNegative(y[i]), what);
            else Assert.True(Math.Abs(e - y[i]) <= 4e-7 * Math.Abs(e), what);
        }
    }

    [Fact]
    public void Softplus()
    {
        CheckAgainst<SoftplusKernel, float>(RefSoftplus, 1e-6);
        CheckAgainst<SoftplusKernel, double>(RefSoftplus, 1e-14);
    }

    [Fact]
    public void TheIndependentReferencesAreRight()
    {
        // Spot values of the references themselves (tanh 1 = (e² − 1)/(e² + 1), softplus 0 = ln 2, ...).
        Assert.Equal((Math.E * Math.E - 1) / (Math.E * Math.E + 1), RefTanh(1), 1e-15);
        Assert.Equal(1e-8 - 1e-24 / 3, RefTanh(1e-8), 1e-30);
        Assert.Equal(-0.46211715726000974, RefTanh(-0.5), 1e-16);
        Assert.Equal(0.46211715726000974, RefTanh(0.49999999999999994), 1e-16);
        Assert.Equal(Math.Log(2), RefSoftplus(0), 1e-16);
        Assert.Equal(Math.Exp(-40) - Math.Exp(-80) / 2, RefSoftplus(-40), 1e-32);
        Assert.Equal(30 + Math.Exp(-30), RefSoftplus(30), 1e-14);
        Assert.Equal(-1.0, RefSign(-1e-300));
        Assert.True(double.IsNegative(RefSign(-0.0)));
    }

    [Fact]
    public void SafeMulTreatsZeroAsStructural()
    {
        Assert.Equal(0.0, SafeMulKernel.Invoke(0.0, double.PositiveInfinity));
        Assert.Equal(0.0, SafeMulKernel.Invoke(double.NaN, 0.0));
        Assert.True(double.IsNaN(SafeMulKernel.Invoke(double.NaN, 2.0)));
    }

    [Fact]
    public void SoftplusIsAccurateInTheTails()
    {
        Assert.Equal(Math.Exp(-40), SoftplusKernel.Invoke(-40.0, 0.0), 1e-30);
        Assert.Equal(50.0, SoftplusKernel.Invoke(50.0, 0.0));
        Assert.Equal(Math.Log(2), SoftplusKernel.Invoke(0.0, 0.0), 1e-15);
        Assert.Equal(1e-10 - 0.5e-20, SoftplusKernel.Log1P(1e-10), 1e-25);
    }
}
