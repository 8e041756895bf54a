using System.Numerics;
using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// Tests that change <see cref="Threading.Threads"/> run alone so the thread count they set is the one
/// their calls actually use.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelThreadingCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Kernel threading";
}

/// <summary>
/// The matrix multiply against a naive reference. Tests that force no kernel run the process's
/// (the best the CPU has, or the one AUTOGRAD_GEMM_KERNEL names: .ci/run runs this class once per
/// kernel); the modes named after a kernel force it on their thread. Whatever cannot run on this
/// CPU is reported as skipped, with the reason.
/// </summary>
[Collection(KernelThreadingCollection.Name)]
public sealed class GemmTests : IDisposable
{
    private static readonly int[] EdgeSizes = [1, 15, 16, 17, 31, 32, 33, 127, 130];
    private readonly int _savedThreads = Threading.Threads;

    public GemmTests()
    {
        // Every call would throw (GemmKernelSettingTests checks that it does, clearly).
        var skip = GemmPaths.ProcessSkipReason;
        Skip.If(skip is not null, skip);
    }

    public void Dispose()
    {
        Threading.Threads = _savedThreads;
        GemmDriver.LevelOverride = null;
        GemmDriver.DisableSmallPath = false;
        GemmDriver.MinFlopsPerThreadOverride = 0;
        GemmPlan.BlockOverride = default;
    }

    /// <summary>How a case is run: which kernel (null: the process's) and blocking it is forced into.</summary>
    internal sealed record Mode(string Name, SimdLevel? Level, bool DisableSmall, (int Kc, int Mc, int Nc) Blocks)
    {
        /// <summary>The mode and the kernel it runs, e.g. "default (avx512)".</summary>
        public override string ToString() => $"{Name} ({GemmKernelSetting.NameOf(Level ?? GemmKernelSetting.Level)})";
    }

    public static TheoryData<string> ModeNames() =>
        new("default", "tiny-blocks", "blocked-only", "blocked-tiny", "avx512", "avx512-tiny", "avx2", "avx2-tiny", "scalar");

    private static Mode GetMode(string name) => name switch
    {
        "default" => new(name, null, false, default),
        "tiny-blocks" => new(name, null, false, (16, 24, 40)),
        "blocked-only" => new(name, null, true, default),
        "blocked-tiny" => new(name, null, true, (7, 16, 33)),
        "avx512" => new(name, SimdLevel.Vector512, false, default),
        "avx512-tiny" => new(name, SimdLevel.Vector512, true, (16, 24, 40)),
        "avx2" => new(name, SimdLevel.Vector256, false, default),
        "avx2-tiny" => new(name, SimdLevel.Vector256, true, (16, 18, 40)),
        "scalar" => new(name, SimdLevel.Scalar, true, (16, 12, 16)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Skips (with the reason) a mode forcing a kernel this CPU lacks.</summary>
    private static Mode Runnable(string modeName)
    {
        Mode mode = GetMode(modeName);
        var skip = mode.Level is { } level ? GemmPaths.SkipReason(level) : null;
        Skip.If(skip is not null, skip);
        return mode;
    }

    [SkippableTheory]
    [MemberData(nameof(ModeNames))]
    public void RandomShapesMatchReference(string modeName)
    {
        Mode mode = Runnable(modeName);
        var rng = new Random(1234 + modeName.Length);
        int cases = mode.Level == SimdLevel.Scalar ? 40 : 120;
        for (int i = 0; i < cases; i++)
        {
            int m = rng.Next(1, 131), n = rng.Next(1, 131), k = rng.Next(1, 131);
            var spec = new CaseSpec(rng.Next(2) == 1, rng.Next(2) == 1, m, n, k, rng.Next(2) == 1, rng.Next(3) * rng.Next(1, 9));
            if (rng.Next(2) == 0)
                CheckCase<float>(spec, mode, rng.Next());
            else
                CheckCase<double>(spec, mode, rng.Next());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ModeNames))]
    public void NarrowShapesMatchReference(string modeName)
    {
        // The small-shape paths switch on m or n <= 16, so sample that region densely.
        Mode mode = Runnable(modeName);
        var rng = new Random(99 + modeName.Length);
        int cases = mode.Level == SimdLevel.Scalar ? 30 : 100;
        for (int i = 0; i < cases; i++)
        {
            int narrow = rng.Next(1, 20), wide = rng.Next(1, 131), k = rng.Next(1, 131);
            bool narrowRows = rng.Next(2) == 0;
            var spec = new CaseSpec(rng.Next(2) == 1, rng.Next(2) == 1, narrowRows ? narrow : wide,
                narrowRows ? wide : narrow, k, rng.Next(2) == 1, rng.Next(2) * 3);
            if (rng.Next(2) == 0)
                CheckCase<float>(spec, mode, rng.Next());
            else
                CheckCase<double>(spec, mode, rng.Next());
        }
    }

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void EdgeSizeCombinationsMatchReference(bool transA, bool transB)
    {
        Mode mode = GetMode("default");
        var rng = new Random(7 + (transA ? 2 : 0) + (transB ? 1 : 0));
        int index = 0;
        foreach (int m in EdgeSizes)
        foreach (int n in EdgeSizes)
        foreach (int k in EdgeSizes)
        {
            var spec = new CaseSpec(transA, transB, m, n, k, index % 2 == 1, index % 3 == 0 ? 0 : 5);
            if (index % 4 == 3)
                CheckCase<double>(spec, mode, rng.Next());
            else
                CheckCase<float>(spec, mode, rng.Next());
            index++;
        }
    }

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void EdgeSizeCombinationsMatchReferenceWithTinyBlocks(bool transA, bool transB)
    {
        // Tiny blocks put many k-, m- and n-block boundaries inside these small shapes.
        Mode mode = GetMode("blocked-tiny");
        var rng = new Random(70 + (transA ? 2 : 0) + (transB ? 1 : 0));
        int index = 0;
        foreach (int m in EdgeSizes)
        foreach (int n in EdgeSizes)
        foreach (int k in EdgeSizes)
        {
            if ((index++ & 1) == 0)
                continue;
            var spec = new CaseSpec(transA, transB, m, n, k, index % 3 == 1, index % 5 == 0 ? 0 : 2);
            if (index % 4 == 3)
                CheckCase<double>(spec, mode, rng.Next());
            else
                CheckCase<float>(spec, mode, rng.Next());
        }
    }

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void LargeShapeWithDefaultBlockingMatchesReference(bool transA, bool transB)
    {
        // k = 600 spans three default k blocks and n, m cover several micro-panels and a ragged edge.
        CheckCase<float>(new CaseSpec(transA, transB, 203, 301, 600, transA, 3), GetMode("default"), 5);
    }

    [SkippableFact]
    public void MlpShapesMatchReference()
    {
        Mode mode = GetMode("default");
        CheckCase<float>(new CaseSpec(false, false, 128, 256, 784, false, 0), mode, 1);
        CheckCase<float>(new CaseSpec(true, false, 784, 256, 128, true, 0), mode, 2);
        CheckCase<float>(new CaseSpec(false, true, 128, 784, 256, false, 0), mode, 3);
        CheckCase<float>(new CaseSpec(false, false, 128, 10, 256, false, 0), mode, 4);
        CheckCase<float>(new CaseSpec(true, false, 256, 10, 128, true, 0), mode, 5);
        CheckCase<float>(new CaseSpec(false, true, 128, 256, 10, false, 0), mode, 6);
        CheckCase<double>(new CaseSpec(false, false, 128, 256, 784, true, 1), mode, 7);
    }

    [SkippableFact]
    public void DegenerateShapes()
    {
        Mode mode = GetMode("default");
        CheckCase<float>(new CaseSpec(false, false, 1, 1, 1, false, 0), mode, 1);
        CheckCase<float>(new CaseSpec(true, true, 1, 1, 1, true, 0), mode, 2);
        CheckCase<float>(new CaseSpec(false, false, 1, 300, 200, false, 0), mode, 3);
        CheckCase<float>(new CaseSpec(false, true, 300, 1, 200, false, 0), mode, 4);
        CheckCase<double>(new CaseSpec(true, false, 1, 1, 1000, true, 0), mode, 5);

        float[] c = [1, 2, 3, 4];
        Gemm.Multiply(false, false, 2, 2, 0, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, c, 2, true);
        Assert.Equal([1f, 2, 3, 4], c);
        Gemm.Multiply(false, false, 2, 2, 0, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, c, 2, false);
        Assert.Equal([0f, 0, 0, 0], c);

        double[] d = [5, 6];
        Gemm.Multiply(false, false, 0, 2, 3, ReadOnlySpan<double>.Empty, 3, new double[6], 2, d, 2, false);
        Gemm.Multiply(false, false, 1, 0, 3, new double[3], 3, ReadOnlySpan<double>.Empty, 0, d, 0, false);
        Assert.Equal([5.0, 6], d);
    }

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void NonFiniteValuesPropagateLikeANaiveLoop(bool transA, bool transB)
    {
        foreach ((int m, int n, int k) in new[] { (40, 50, 30), (5, 70, 20), (70, 5, 20), (33, 33, 300) })
        {
            var rng = new Random(m + n + k);
            float[] a = RandomArray<float>(rng, m * k);
            float[] b = RandomArray<float>(rng, k * n);
            // Zeros next to infinities must still produce NaN (0 * inf), so nothing may skip zero operands.
            a[rng.Next(a.Length)] = float.NaN;
            a[rng.Next(a.Length)] = float.PositiveInfinity;
            a[rng.Next(a.Length)] = 0f;
            b[rng.Next(b.Length)] = float.NegativeInfinity;
            b[rng.Next(b.Length)] = float.PositiveInfinity;
            for (int i = 0; i < b.Length; i += 17)
                b[i] = 0f;
            int lda = transA ? m : k, ldb = transB ? k : n;
            float[] c = new float[m * n];
            Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, n, false);
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = 0f;
                for (int p = 0; p < k; p++)
                    expected += At(a, transA, lda, i, p) * At(b, transB, ldb, p, j);
                float got = c[i * n + j];
                Assert.True(float.IsNaN(expected) == float.IsNaN(got), $"NaN mismatch at ({i},{j}) for {m}x{n}x{k}: {expected} vs {got}");
                if (float.IsInfinity(expected))
                    Assert.Equal(expected, got);
            }
        }
    }

    [SkippableFact]
    public void InvalidArgumentsThrowNamingTheArgument()
    {
        float[] a = new float[6], b = new float[6], c = new float[4];

        AssertArg("m", -1, () => Gemm.Multiply(false, false, -1, 2, 3, a, 3, b, 2, c, 2, false));
        AssertArg("n", -2, () => Gemm.Multiply(false, false, 2, -2, 3, a, 3, b, 2, c, 2, false));
        AssertArg("k", -3, () => Gemm.Multiply(false, false, 2, 2, -3, a, 3, b, 2, c, 2, false));
        AssertArg("lda", 2, () => Gemm.Multiply(false, false, 2, 2, 3, a, 2, b, 2, c, 2, false));
        AssertArg("lda", 1, () => Gemm.Multiply(true, false, 2, 2, 3, a, 1, b, 2, c, 2, false));
        AssertArg("ldb", 1, () => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 1, c, 2, false));
        AssertArg("ldb", 2, () => Gemm.Multiply(false, true, 2, 2, 3, a, 3, b, 2, c, 2, false));
        AssertArg("ldc", 1, () => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 1, false));
        AssertArg("a", 5, () => Gemm.Multiply(false, false, 2, 2, 3, a.AsSpan(0, 5), 3, b, 2, c, 2, false));
        AssertArg("a", 6, () => Gemm.Multiply(false, false, 2, 2, 3, a, 4, b, 2, c, 2, false));
        AssertArg("b", 5, () => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b.AsSpan(0, 5), 2, c, 2, false));
        AssertArg("c", 3, () => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c.AsSpan(0, 3), 2, false));
        AssertArg("c", 4, () => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 3, false));

        double[] ad = new double[6], bd = new double[6], cd = new double[4];
        AssertArg("m", -1, () => Gemm.Multiply(false, false, -1, 2, 3, ad, 3, bd, 2, cd, 2, false));
        AssertArg("b", 6, () => Gemm.Multiply(false, false, 2, 2, 3, ad, 3, bd, 3, cd, 2, false));
        AssertArg("ldc", 0, () => Gemm.Multiply(false, false, 2, 2, 3, ad, 3, bd, 2, cd, 0, false));
    }

    private static void AssertArg(string name, int value, Action call)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(name, e.ParamName);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ResultsDoNotDependOnWhichThreadTakesWhichItem()
    {
        // Threads claim packing and tile items dynamically. Random pauses on every thread make each call
        // hand the items out differently; every assignment must reproduce the single-thread bits.
        var cases = new (CaseSpec Spec, (int Kc, int Mc, int Nc) Blocks)[]
        {
            (new CaseSpec(false, false, 128, 256, 784, false, 0), default), // all of k packed at once
            (new CaseSpec(true, true, 77, 95, 130, true, 2), (16, 0, 0)), // all of k at once, many k blocks
            (new CaseSpec(false, true, 77, 95, 130, true, 1), (16, 24, 40)), // many m, n and k blocks
            (new CaseSpec(false, false, 77, 95, 130, false, 0), (16, 0, 40)), // one m block, many n and k blocks
            (new CaseSpec(true, false, 203, 301, 600, true, 3), (0, 96, 64)), // default k blocks, many m and n blocks
        };
        var workerShares = new HashSet<int>();
        int run = 0;
        foreach ((CaseSpec s, (int Kc, int Mc, int Nc) blocks) in cases)
        {
            var rng = new Random(s.M + s.N + s.K);
            int lda = (s.TransA ? s.M : s.K) + s.Pad, ldb = (s.TransB ? s.K : s.N) + s.Pad, ldc = s.N + s.Pad;
            float[] a = RandomArray<float>(rng, (s.TransA ? s.K : s.M) * lda);
            float[] b = RandomArray<float>(rng, (s.TransB ? s.N : s.K) * ldb);
            float[] c0 = RandomArray<float>(rng, s.M * ldc);
            var mode = new Mode("jitter", null, true, blocks);
            float[] expected = Run(s, mode, 1, a, lda, b, ldb, c0, ldc);
            foreach (int threads in new[] { 2, 3, 2, 4 })
            {
                for (int rep = 0; rep < 6; rep++)
                {
                    GemmDriver.ScheduleJitter = (uint)(++run);
                    float[] got;
                    try
                    {
                        got = Run(s, mode, threads, a, lda, b, ldb, c0, ldc);
                    }
                    finally
                    {
                        GemmDriver.ScheduleJitter = 0;
                    }
                    workerShares.Add(GemmDriver.LastWorkerItems);
                    for (int i = 0; i < got.Length; i++)
                    {
                        if (!BitEqual(expected[i], got[i]))
                            Assert.Fail($"{s} blocks {blocks} threads {threads} run {run}: differs at {i}: {expected[i]} vs {got[i]}");
                    }
                }
            }
        }
        // The workers must really have taken differing shares, or the loop above proved nothing.
        Assert.True(workerShares.Count >= 3, $"worker item counts seen: {string.Join(", ", workerShares)}");
    }

    [SkippableFact]
    public void ThreadsRejectsValuesBelowOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Threading.Threads = 0);
        Assert.Equal(0, e.ActualValue);
        Assert.Contains("0", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Threading.Threads = -5);
        Threading.Threads = 3;
        Assert.Equal(3, Threading.Threads);
    }

    [SkippableFact]
    public void ConcurrentCallersGetCorrectResults()
    {
        Threading.Threads = 2;
        const int m = 150, n = 170, k = 190;
        var rng = new Random(3);
        float[] a = RandomArray<float>(rng, m * k), b = RandomArray<float>(rng, k * n);
        float[] expected = new float[m * n];
        Threading.Threads = 1;
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, expected, n, false);
        Threading.Threads = 2;

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            float[] c = new float[m * n];
            for (int rep = 0; rep < 30; rep++)
            {
                Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n, false);
                if (!c.AsSpan().SequenceEqual(expected))
                    failures.Add($"thread {t} rep {rep}");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }

    [SkippableFact]
    public void SteadyStateCallsDoNotAllocate()
    {
        Threading.Threads = 2;
        var rng = new Random(4);
        float[] a = RandomArray<float>(rng, 128 * 784), b = RandomArray<float>(rng, 784 * 256), c = new float[784 * 256];
        void Calls()
        {
            Gemm.Multiply(false, false, 128, 256, 784, a, 784, b, 256, c, 256, false);
            Gemm.Multiply(true, false, 784, 256, 128, a, 784, b, 256, c, 256, false);
            Gemm.Multiply(false, true, 128, 784, 256, c, 256, b, 256, a, 784, false);
            Gemm.Multiply(false, false, 128, 10, 256, a, 256, b, 10, c, 10, false);
            Gemm.Multiply(true, false, 100, 10, 128, a, 100, b, 10, c, 10, true);
            Gemm.Multiply(false, true, 5, 300, 128, a, 128, b, 128, c, 300, false);
            Gemm.Multiply(false, false, 5, 300, 128, a, 128, b, 300, c, 300, false);
        }
        Calls();
        Calls();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
            Calls();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private readonly record struct CaseSpec(bool TransA, bool TransB, int M, int N, int K, bool Accumulate, int Pad);

    private static void CheckCase<T>(CaseSpec s, Mode mode, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        int aRows = s.TransA ? s.K : s.M, aCols = s.TransA ? s.M : s.K;
        int bRows = s.TransB ? s.N : s.K, bCols = s.TransB ? s.K : s.N;
        int lda = aCols + s.Pad, ldb = bCols + (s.Pad * 7 % 5), ldc = s.N + (s.Pad + 1) / 2;
        // Spans end exactly at the last element so any read past the logical matrix would be caught.
        T[] a = RandomArray<T>(rng, (aRows - 1) * lda + aCols);
        T[] b = RandomArray<T>(rng, (bRows - 1) * ldb + bCols);
        T[] c0 = RandomArray<T>(rng, (s.M - 1) * ldc + s.N);

        T[] c1 = Run(s, mode, 1, a, lda, b, ldb, c0, ldc);
        T[] c2 = Run(s, mode, 2, a, lda, b, ldb, c0, ldc);
        string label = $"{typeof(T).Name} {mode} tA={s.TransA} tB={s.TransB} m={s.M} n={s.N} k={s.K} acc={s.Accumulate} pad={s.Pad}";
        for (int i = 0; i < c1.Length; i++)
        {
            if (!BitEqual(c1[i], c2[i]))
                Assert.Fail($"{label}: 1 and 2 threads differ at {i}: {c1[i]} vs {c2[i]}");
        }

        double eps = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
        for (int i = 0; i < s.M; i++)
        for (int j = 0; j < s.N; j++)
        {
            int ci = i * ldc + j;
            double sum = s.Accumulate ? double.CreateChecked(c0[ci]) : 0;
            double bound = Math.Abs(sum);
            for (int p = 0; p < s.K; p++)
            {
                double prod = double.CreateChecked(At(a, s.TransA, lda, i, p)) * double.CreateChecked(At(b, s.TransB, ldb, p, j));
                sum += prod;
                bound += Math.Abs(prod);
            }
            double got = double.CreateChecked(c1[ci]);
            double tol = (s.K + 2) * eps * bound + double.Epsilon;
            if (!(Math.Abs(got - sum) <= tol))
                Assert.Fail($"{label}: C[{i},{j}] = {got}, expected {sum} (tol {tol})");
        }

        // Padding between rows of C must be left alone.
        for (int i = 0; i < s.M - 1; i++)
        for (int j = s.N; j < ldc; j++)
        {
            if (!BitEqual(c1[i * ldc + j], c0[i * ldc + j]))
                Assert.Fail($"{label}: padding C[{i},{j}] was overwritten");
        }
    }

    private static T[] Run<T>(CaseSpec s, Mode mode, int threads, T[] a, int lda, T[] b, int ldb, T[] c0, int ldc)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] c = (T[])c0.Clone();
        Threading.Threads = threads;
        GemmDriver.LevelOverride = mode.Level;
        GemmDriver.DisableSmallPath = mode.DisableSmall;
        GemmDriver.MinFlopsPerThreadOverride = 1; // make every call worth splitting
        GemmPlan.BlockOverride = mode.Blocks;
        try
        {
            if (typeof(T) == typeof(float))
                Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, (float[])(object)a, lda, (float[])(object)b, ldb, (float[])(object)c, ldc, s.Accumulate);
            else
                Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, (double[])(object)a, lda, (double[])(object)b, ldb, (double[])(object)c, ldc, s.Accumulate);
        }
        finally
        {
            GemmDriver.LevelOverride = null;
            GemmDriver.DisableSmallPath = false;
            GemmDriver.MinFlopsPerThreadOverride = 0;
            GemmPlan.BlockOverride = default;
        }
        return c;
    }

    private static T At<T>(T[] x, bool trans, int ld, int row, int col) => trans ? x[col * ld + row] : x[row * ld + col];

    private static bool BitEqual<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? BitConverter.SingleToInt32Bits((float)(object)x) == BitConverter.SingleToInt32Bits((float)(object)y)
            : BitConverter.DoubleToInt64Bits((double)(object)x) == BitConverter.DoubleToInt64Bits((double)(object)y);

    private static T[] RandomArray<T>(Random rng, int length) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var result = new T[Math.Max(0, length)];
        for (int i = 0; i < result.Length; i++)
            result[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        return result;
    }
}
