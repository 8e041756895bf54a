namespace AutoGrad;

/// <summary>
/// A seeded random number generator (xoshiro256**, seeded through SplitMix64). All randomness in
/// the library (initialization, dropout masks, shuffling) flows from one of these, so a run with
/// the same seed is reproducible bit for bit on every machine and thread count.
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>The seed this generator started from.</summary>
    public ulong Seed { get; }

    /// <summary>Creates a generator from a seed; equal seeds give equal streams.</summary>
    public Generator(ulong seed = 0)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private const string DrawRefusal =
        "a number drawn in C# is drawn once, at capture, and replay does not draw it again. Use the library's random ops inside the step " +
        "(Dropout, Tensor.Randn/Rand/Normal/Uniform: replay draws them again), or draw outside the step into a tensor the step reads";

    /// <summary>The next 64 random bits.</summary>
    /// <exception cref="InvalidOperationException">Called directly by a step inside <see cref="Memory.StepPlan.Capture"/>.</exception>
    public ulong NextUInt64()
    {
        Launch.HostCode("Generator", DrawRefusal);
        return NextBits();
    }

    /// <summary>
    /// Fills <paramref name="dst"/> with low + (high − low)·u, u uniform in [0, 1) with 53 bits: the
    /// numbers <see cref="NextDouble"/> would give one by one (so seeded runs are unchanged), for a
    /// random op's launch (which replays, unlike a draw in C#).
    /// </summary>
    internal void FillUniform<T>(Span<T> dst, double low, double high) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        double scale = high - low;
        // The state in locals (registers) for the whole span, written back once.
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < dst.Length; i++)
            dst[i] = T.CreateTruncating(low + scale * ((Xoshiro(ref s0, ref s1, ref s2, ref s3) >> 11) * (1.0 / (1UL << 53))));
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>Fills <paramref name="dst"/> with mean + std·z, z the standard normals <see cref="NextNormal"/> would give one by one.</summary>
    internal void FillNormal<T>(Span<T> dst, double mean, double std) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = T.CreateTruncating(mean + std * NextNormal());
    }

    // Without the capture check (for launches).
    private ulong NextBits() => Xoshiro(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>One step of xoshiro256**: the next 64 bits from the state, which it advances.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong Xoshiro(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n), without modulo bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n is not positive.</exception>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"NextInt: n must be > 0, got {n}");
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            ulong hi = Math.BigMul(r, bound, out ulong lo);
            if (lo >= threshold) return (int)hi;
        }
    }

    /// <summary>A standard normal sample (Marsaglia's polar method).</summary>
    public double NextNormal()
    {
        Launch.HostCode("Generator", DrawRefusal);
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * m;
        _hasSpare = true;
        return u * m;
    }

    /// <summary>Shuffles the span in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }

    /// <summary>A new generator whose stream is independent of this one's (seeded from it).</summary>
    public Generator Fork() => new(NextUInt64());
}
