using System.Numerics;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// float32 tanh on whole vectors, the same operations in 512-bit and in <see cref="Vector{T}"/>
/// lanes (so every CPU gives the same bits): for |x| &lt; 0.5 the odd Taylor series through x¹⁷
/// (truncation below 1e−8 relative), otherwise 1 − 2/(e^{2|x|} + 1) (no cancellation there: the
/// result is ≥ 0.46), with x's sign; NaN passes through. e^{2|x|} is Cephes' expf in vector form
/// (Vector.Exp runs lane by lane on some CPUs): 2|x| = n·ln 2 + r with ln 2 in two parts, a
/// degree-7 polynomial in r, times 2ⁿ built in the exponent bits, within 2 ulp; 2|x| is clamped
/// at 88.376, where tanh is 1 in float32 long before. Polynomials use fused multiply-adds.
/// </summary>
internal static class TanhFloat
{
    // tanh a = a − a³/3 + 2a⁵/15 − 17a⁷/315 + 62a⁹/2835 − 1382a¹¹/155925 + 21844a¹³/6081075 − 929569a¹⁵/638512875 + 6404582a¹⁷/10854718875
    private const float T17 = 6404582f / 10854718875f, T15 = -929569f / 638512875f, T13 = 21844f / 6081075f, T11 = -1382f / 155925f,
        T9 = 62f / 2835f, T7 = -17f / 315f, T5 = 2f / 15f, T3 = -1f / 3f;

    // Cephes expf
    private const float ExpMax = 88.3762626647949f, Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f,
        E7 = 1.9875691500e-4f, E6 = 1.3981999507e-3f, E5 = 8.3334519073e-3f, E4 = 4.1665795894e-2f, E3 = 1.6666665459e-1f, E2 = 5.0000001201e-1f;

    public static int Run512(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = Vector512<float>.Count, i = 0;
        for (; i + n <= x.Length; i += n)
        {
            var v = Vector512.Create(x[i..]);
            var a = Vector512.Abs(v);
            var a2 = a * a;
            var poly = Vector512.Create(T17);
            poly = Vector512.FusedMultiplyAdd(poly, a2, Vector512.Create(T15));
            poly = Vector512.FusedMultiplyAdd(poly, a2, Vector512.Create(T13));
            poly = Vector512.FusedMultiplyAdd(poly, a2, Vector512.Create(T11));
            poly = Vector512.FusedMultiplyAdd(poly, a2, Vector512.Create(T9));
            poly = Vector512.FusedMultiplyAdd(poly, a2, Vector512.Create(T7));
            poly = Vector512.FusedMultiplyAdd(poly, a2, Vector512.Create(T5));
            poly = Vector512.FusedMultiplyAdd(poly, a2, Vector512.Create(T3));
            var small = Vector512.FusedMultiplyAdd(a * a2, poly, a);

            var e = Vector512.Min(a + a, Vector512.Create(ExpMax));
            var k = Vector512.Floor(Vector512.FusedMultiplyAdd(e, Vector512.Create(Log2E), Vector512.Create(0.5f)));
            var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Lo), Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Hi), e));
            var p = Vector512.Create(E7);
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E6));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E5));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E4));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E3));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E2));
            p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
            var exp = p * Vector512.ShiftLeft(Vector512.ConvertToInt32(k) + Vector512.Create(127), 23).AsSingle();
            var large = Vector512<float>.One - Vector512.Create(2f) / (exp + Vector512<float>.One);

            var t = Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(0.5f)), small, large);
            t = Vector512.ConditionalSelect(Vector512.Equals(v, v), t | (v & Vector512.Create(-0f)), v);
            t.CopyTo(y[i..]);
        }
        return i;
    }

    public static int Run(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = Vector<float>.Count, i = 0;
        for (; i + n <= x.Length; i += n)
        {
            var v = new Vector<float>(x[i..]);
            var a = Vector.Abs(v);
            var a2 = a * a;
            var poly = new Vector<float>(T17);
            poly = Vector.FusedMultiplyAdd(poly, a2, new Vector<float>(T15));
            poly = Vector.FusedMultiplyAdd(poly, a2, new Vector<float>(T13));
            poly = Vector.FusedMultiplyAdd(poly, a2, new Vector<float>(T11));
            poly = Vector.FusedMultiplyAdd(poly, a2, new Vector<float>(T9));
            poly = Vector.FusedMultiplyAdd(poly, a2, new Vector<float>(T7));
            poly = Vector.FusedMultiplyAdd(poly, a2, new Vector<float>(T5));
            poly = Vector.FusedMultiplyAdd(poly, a2, new Vector<float>(T3));
            var small = Vector.FusedMultiplyAdd(a * a2, poly, a);

            var e = Vector.Min(a + a, new Vector<float>(ExpMax));
            var k = Vector.Floor(Vector.FusedMultiplyAdd(e, new Vector<float>(Log2E), new Vector<float>(0.5f)));
            var r = Vector.FusedMultiplyAdd(k, new Vector<float>(-Ln2Lo), Vector.FusedMultiplyAdd(k, new Vector<float>(-Ln2Hi), e));
            var p = new Vector<float>(E7);
            p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(E6));
            p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(E5));
            p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(E4));
            p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(E3));
            p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(E2));
            p = Vector.FusedMultiplyAdd(p, r * r, r) + Vector<float>.One;
            var exp = p * Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32(k) + new Vector<int>(127), 23));
            var large = Vector<float>.One - new Vector<float>(2f) / (exp + Vector<float>.One);

            var t = Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(0.5f)), small, large);
            t = Vector.ConditionalSelect(Vector.Equals(v, v), t | (v & new Vector<float>(-0f)), v);
            t.CopyTo(y[i..]);
        }
        return i;
    }
}
