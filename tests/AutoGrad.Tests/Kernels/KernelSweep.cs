using System.Numerics;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// Inputs and comparisons shared by the kernel sweeps: every length 0..70 (every vector width,
/// unrolled block and remainder), with NaN, ±∞ and ±0 planted at chosen positions (both ends, the
/// middle, either side of the vector-body/scalar-tail boundaries) and mixed in at random.
/// </summary>
internal static class KernelSweep
{
    public const int MaxLength = 70;

    public static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0];

    /// <summary>Uniform values in [−scale, scale].</summary>
    public static T[] Values<T>(Generator rng, int n, double scale = 3) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = T.CreateTruncating(scale * (2 * rng.NextDouble() - 1));
        return a;
    }

    /// <summary>
    /// Where a planted special lands in a vector of n elements: both ends, the middle, either side
    /// of the first vector boundary, and the last element of the vector body and first of the tail.
    /// </summary>
    public static int[] Positions<T>(int n) where T : unmanaged
    {
        int w = Vector<T>.Count, tail = n - n % w;
        int[] candidates = [0, n - 1, n / 2, w - 1, w, tail - 1, tail];
        return candidates.Where(p => p >= 0 && p < n).Distinct().Order().ToArray();
    }

    /// <summary>
    /// The clean vector, then one copy per special and position with that special planted, then
    /// two copies with specials mixed in at random (about one element in five).
    /// </summary>
    public static List<(string Label, T[] Data)> Variants<T>(int n, ulong seed, double scale = 3) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Generator(seed);
        var clean = Values<T>(rng, n, scale);
        var list = new List<(string, T[])> { ("clean", clean) };
        foreach (double s in Specials)
            foreach (int p in Positions<T>(n))
            {
                var d = (T[])clean.Clone();
                d[p] = T.CreateTruncating(s);
                list.Add(($"{s} at {p}", d));
            }
        for (int k = 0; k < 2; k++)
        {
            var d = (T[])clean.Clone();
            for (int i = 0; i < n; i++) if (rng.NextInt(5) == 0) d[i] = T.CreateTruncating(Specials[rng.NextInt(Specials.Length)]);
            list.Add(($"mix {k}", d));
        }
        return list;
    }

    /// <summary>
    /// Rows of x viewed as [V, n, inner], one per variant: row v has variant v along the middle
    /// axis at inner index inner / 2 and random values elsewhere. One kernel call then covers every
    /// variant (and the row offsets), instead of one call each.
    /// </summary>
    public static T[] Stack<T>(IReadOnlyList<T[]> rows, int n, int inner, Generator rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = Values<T>(rng, rows.Count * n * inner);
        for (int o = 0; o < rows.Count; o++)
            for (int j = 0; j < n; j++) x[(o * n + j) * inner + inner / 2] = rows[o][j];
        return x;
    }

    /// <summary>The slice x[o, :, i] of x viewed as [·, n, inner], in float64.</summary>
    public static double[] Slice<T>(T[] x, int n, int inner, int o, int i) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new double[n];
        for (int j = 0; j < n; j++) s[j] = double.CreateTruncating(x[(o * n + j) * inner + i]);
        return s;
    }

    /// <summary>Random values with specials mixed in at random (one element in <paramref name="oneIn"/>).</summary>
    public static T[] Mixed<T>(Generator rng, int n, int oneIn = 5, double scale = 3) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Values<T>(rng, n, scale);
        for (int i = 0; i < n; i++) if (rng.NextInt(oneIn) == 0) a[i] = T.CreateTruncating(Specials[rng.NextInt(Specials.Length)]);
        return a;
    }

    // The messages are built only on failure: the sweeps compare millions of values.

    /// <summary>Same value and, for zeros, the same sign; any NaN matches any NaN.</summary>
    public static void Identical<T>(T expected, T actual, Func<string> what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool ok = T.IsNaN(expected) ? T.IsNaN(actual) : expected == actual && T.IsNegative(expected) == T.IsNegative(actual);
        if (!ok) Assert.Fail($"{what()}: expected {Show(expected)}, got {Show(actual)}");
    }

    /// <summary>
    /// NaN, ±∞ and zeros exactly (zeros with their sign unless <paramref name="zeroSign"/> is false);
    /// other values within <paramref name="tol"/>·<paramref name="scale"/>.
    /// </summary>
    public static void Close<T>(double expected, T actual, double tol, double scale, Func<string> what, bool zeroSign = true) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double a = double.CreateTruncating(actual);
        bool ok;
        if (double.IsNaN(expected)) ok = double.IsNaN(a);
        else if (double.IsInfinity(expected)) ok = expected == a;
        else if (expected == 0 && a == 0) ok = !zeroSign || double.IsNegative(expected) == double.IsNegative(a);
        else ok = double.IsFinite(a) && Math.Abs(expected - a) <= tol * scale;
        if (!ok) Assert.Fail($"{what()}: expected {Show(expected)}, got {Show(a)}");
    }

    /// <summary>The tolerance of a float32 or float64 result.</summary>
    public static double Tol<T>(double float32, double float64) => typeof(T) == typeof(float) ? float32 : float64;

    public static string Show<T>(T v) where T : IFloatingPointIeee754<T> =>
        T.IsZero(v) ? (T.IsNegative(v) ? "-0" : "+0") : double.CreateTruncating(v).ToString("R");

    public static string Show(double v) => Show<double>(v);

    public static double[] ToDouble<T>(T[] a) where T : unmanaged, IFloatingPointIeee754<T> => a.Select(double.CreateTruncating).ToArray();
}
