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
        if (T.IsInfinity(expected) || expected == T.Zero) { Assert.True(expected.Equals(actual) || (expected == T.Zero && actual == T.Zero && T.IsNegative(expected) == T.IsNegative(actual)), $"{what}: expected {expected}, got {actual}"); return; }
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
    [Fact] public void Sign() => Unary<SignKernel>();
    [Fact] public void Tanh() => Unary<TanhKernel>();
    [Fact] public void Sigmoid() => Unary<SigmoidKernel>();
    [Fact] public void Relu() => Unary<ReluKernel>();
    [Fact] public void Softplus() => Unary<SoftplusKernel>();
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
