using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoGrad.Kernels;

/// <summary>General matrix multiply on row-major storage.</summary>
/// <remarks>
/// Results are bit-for-bit reproducible on a given machine: the order in which each output element's
/// products are summed depends only on the shape, never on <see cref="Threading.Threads"/> or on
/// which thread computes it. NaN and infinity propagate as in a naive triple loop. The output must not
/// overlap either input.
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// Computes <c>C[m,n] = (accumulate ? C : 0) + op(A)[m,k] * op(B)[k,n]</c> in single precision.
    /// </summary>
    /// <param name="transA">When false, A is stored m x k; when true, A is stored k x m and op(A) = A^T.</param>
    /// <param name="transB">When false, B is stored k x n; when true, B is stored n x k and op(B) = B^T.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B).</param>
    /// <param name="a">Storage of A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Distance between rows of stored A; at least its row length.</param>
    /// <param name="b">Storage of B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Distance between rows of stored B; at least its row length.</param>
    /// <param name="c">Storage of C (m x n), row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Distance between rows of C; at least <paramref name="n"/>.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
    /// <exception cref="ArgumentException">A dimension is negative, a leading dimension is smaller than its
    /// row length, or a span is too short for the given shape and stride.</exception>
    public static unsafe void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            GemmDriver.Run(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
    }

    /// <summary>
    /// Computes <c>C[m,n] = (accumulate ? C : 0) + op(A)[m,k] * op(B)[k,n]</c> in double precision.
    /// </summary>
    /// <param name="transA">When false, A is stored m x k; when true, A is stored k x m and op(A) = A^T.</param>
    /// <param name="transB">When false, B is stored k x n; when true, B is stored n x k and op(B) = B^T.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B).</param>
    /// <param name="a">Storage of A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Distance between rows of stored A; at least its row length.</param>
    /// <param name="b">Storage of B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Distance between rows of stored B; at least its row length.</param>
    /// <param name="c">Storage of C (m x n), row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Distance between rows of C; at least <paramref name="n"/>.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
    /// <exception cref="ArgumentException">A dimension is negative, a leading dimension is smaller than its
    /// row length, or a span is too short for the given shape and stride.</exception>
    public static unsafe void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
            GemmDriver.Run(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
    }

    private static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0)
            throw new ArgumentOutOfRangeException(nameof(m), m, $"m must be non-negative but was {m}.");
        if (n < 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be non-negative but was {n}.");
        if (k < 0)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be non-negative but was {k}.");
        CheckOperand("a", "lda", transA ? k : m, transA ? m : k, aLength, lda);
        CheckOperand("b", "ldb", transB ? n : k, transB ? k : n, bLength, ldb);
        CheckOperand("c", "ldc", m, n, cLength, ldc);
    }

    private static void CheckOperand(string name, string ldName, int rows, int cols, int length, int ld)
    {
        if (ld < cols || ld < 0)
        {
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"{ldName} must be at least the stored row length {cols} of {name} but was {ld}.");
        }
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"{name} has length {length} but a {rows} x {cols} matrix with row stride {ld} needs {needed}.", name);
        }
    }
}

/// <summary>Picks the algorithm and thread count for a validated GEMM call.</summary>
internal static unsafe class GemmDriver
{
    /// <summary>
    /// Below this many flops per thread a second thread costs more (wake-up, shared packing barrier,
    /// cache traffic) than it saves.
    /// </summary>
    internal const double MinFlopsPerThread = 1.5e6;

    /// <summary>
    /// Below this many flops a call does not wake sleeping workers: an OS wake-up (tens of microseconds on a
    /// busy or virtualized machine) would cost more than the second thread saves. Workers that are still
    /// polling after a recent call are used from <see cref="MinFlopsPerThread"/> up.
    /// </summary>
    internal const double MinFlopsToWakeWorkers = 2e7;

    [ThreadStatic]
    private static GemmJob? t_job;

    private static readonly GemmJob s_poolJob = new();

    // Test hooks. They are per thread so a test forcing a code path cannot change the numbers another
    // test running concurrently sees; the plan captures them, so pool workers follow the caller's choice.
    [ThreadStatic]
    private static SimdLevel? t_levelOverride;

    [ThreadStatic]
    private static bool t_disableSmallPath;

    [ThreadStatic]
    private static double t_minFlopsPerThreadOverride;

    /// <summary>Forces the SIMD level on this thread (tests use it to exercise the fallbacks); null means the hardware's.</summary>
    internal static SimdLevel? LevelOverride { get => t_levelOverride; set => t_levelOverride = value; }

    /// <summary>Makes this thread's calls skip the small-shape paths so tests can cover the blocked path on any shape.</summary>
    internal static bool DisableSmallPath { get => t_disableSmallPath; set => t_disableSmallPath = value; }

    /// <summary>Replaces <see cref="MinFlopsPerThread"/> on this thread when positive, so tests can force tiny parallel calls.</summary>
    internal static double MinFlopsPerThreadOverride { get => t_minFlopsPerThreadOverride; set => t_minFlopsPerThreadOverride = value; }

    internal static SimdLevel Level => LevelOverride ?? GemmKernels.HardwareLevel;

    public static void Run<T>(bool transA, bool transB, int m, int n, int k,
        T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                    new Span<T>(c + (nint)i * ldc, n).Clear();
            }
            return;
        }

        SimdLevel level = Level;
        GemmJob local = t_job ??= new GemmJob();
        if (!DisableSmallPath)
        {
            if (GemmSmall.TryRun(level, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, local))
                return;
        }

        GemmPlan plan = GemmPlan.Create<T>(level, m, n, k);
        int threads = ChooseThreads(plan, m, n, k);
        if (threads > 1 && WorkerPool.TryAcquire())
        {
            try
            {
                s_poolJob.Prepare<T>(plan, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, threads);
                WorkerPool.Run(s_poolJob, threads);
            }
            finally
            {
                s_poolJob.Clear();
                WorkerPool.Release();
            }
            return;
        }

        local.Prepare<T>(plan, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, 1);
        try
        {
            local.Execute(0, 1);
        }
        finally
        {
            local.Clear();
        }
    }

    private static int ChooseThreads(in GemmPlan plan, int m, int n, int k)
    {
        int threads = Threading.Threads;
        if (threads == 1)
            return 1;
        double flops = 2.0 * m * n * k;
        bool forced = MinFlopsPerThreadOverride > 0;
        double perThread = forced ? MinFlopsPerThreadOverride : MinFlopsPerThread;
        int byWork = (int)Math.Min(threads, Math.Max(1.0, flops / perThread));
        if (byWork > 1 && !forced && flops < MinFlopsToWakeWorkers && !WorkerPool.WorkersAwake(byWork - 1))
            return 1;
        // Every thread needs at least one tile of the first block to be worth waking.
        int tiles = ((Math.Min(m, plan.MC) + plan.MR - 1) / plan.MR) * ((Math.Min(n, plan.NC) + plan.NR - 1) / plan.NR);
        return Math.Max(1, Math.Min(byWork, tiles));
    }
}

/// <summary>Block sizes for one call; a function of the shape and SIMD level only, never of the thread count.</summary>
internal readonly unsafe struct GemmPlan
{
    public SimdLevel Level { get; init; }
    public int MR { get; init; }
    public int NR { get; init; }
    public int MC { get; init; }
    public int NC { get; init; }
    public int KBlocks { get; init; }
    public int KC { get; init; }
    public int K { get; init; }

    // Tuned for AVX-512 cores with >= 32 KiB L1d and >= 1 MiB L2: a KC x NR B micro-panel stays in L1
    // while the MC x KC A block streams from L2.
    private const int KcTarget = 256;
    private const int McBytes = 512 * 1024;
    private const int NcBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static (int Kc, int Mc, int Nc) t_blockOverride;

    /// <summary>
    /// Forces maximum block sizes on this thread (tests use tiny blocks to cover multi-block loops on small
    /// shapes); zeros restore the defaults.
    /// </summary>
    internal static (int Kc, int Mc, int Nc) BlockOverride { get => t_blockOverride; set => t_blockOverride = value; }

    public static GemmPlan Create<T>(SimdLevel level, int m, int n, int k) where T : unmanaged
    {
        (int mr, int nr) = level switch
        {
            SimdLevel.Vector512 => (GemmKernels.MR512, 2 * System.Runtime.Intrinsics.Vector512<T>.Count),
            SimdLevel.Vector256 => (GemmKernels.MR256, 2 * System.Runtime.Intrinsics.Vector256<T>.Count),
            _ => (GemmKernels.MRScalar, GemmKernels.NRScalar),
        };

        // Equal-sized blocks avoid a thin last block that would run the kernels at low efficiency.
        (int kcOverride, int mcOverride, int ncOverride) = t_blockOverride;
        int kcTarget = kcOverride > 0 ? kcOverride : KcTarget;
        int kBlocks = (k + kcTarget - 1) / kcTarget;
        int kc = (k + kBlocks - 1) / kBlocks;
        int mcMax = Math.Max(mr, McBytes / (kc * sizeof(T)) / mr * mr);
        if (mcOverride > 0)
            mcMax = Math.Max(mr, mcOverride / mr * mr);
        int mBlocks = (m + mcMax - 1) / mcMax;
        int mc = RoundUp((m + mBlocks - 1) / mBlocks, mr);
        int ncMax = Math.Max(nr, NcBytes / (kc * sizeof(T)) / nr * nr);
        if (ncOverride > 0)
            ncMax = Math.Max(nr, ncOverride / nr * nr);
        int nBlocks = (n + ncMax - 1) / ncMax;
        int nc = RoundUp((n + nBlocks - 1) / nBlocks, nr);
        return new GemmPlan { Level = level, MR = mr, NR = nr, MC = mc, NC = nc, KBlocks = kBlocks, KC = kc, K = k };
    }

    /// <summary>Size of k block <paramref name="index"/>; the first k % KBlocks blocks are one longer.</summary>
    public int KcOf(int index) => K / KBlocks + (index < K % KBlocks ? 1 : 0);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

/// <summary>
/// One blocked GEMM call: operands, plan and packing buffers. Threads pack a share of each A and B block
/// into shared buffers, meet at a barrier, then each computes a contiguous range of the block's tiles.
/// </summary>
internal sealed unsafe class GemmJob : IParallelJob
{
    private readonly AlignedBuffer[] _aBuffers = [new(), new()];
    private readonly AlignedBuffer[] _bBuffers = [new(), new()];

    public GemmPlan Plan;
    public bool IsDouble;
    public bool TransA, TransB, Accumulate;
    public int M, N, K;
    public void* A, B, C;
    public nint Lda, Ldb, Ldc;
    public void* APack0, APack1, BPack0, BPack1;
    private int _arrived;

    /// <summary>Scratch for the small-shape path, which runs only on the thread owning this job.</summary>
    public void* Scratch(int which, nuint bytes) => (which == 0 ? _aBuffers[0] : _bBuffers[0]).Ensure(bytes);

    public void Prepare<T>(in GemmPlan plan, bool transA, bool transB, int m, int n, int k,
        T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate, int threads)
        where T : unmanaged
    {
        Plan = plan;
        IsDouble = typeof(T) == typeof(double);
        TransA = transA;
        TransB = transB;
        Accumulate = accumulate;
        M = m;
        N = n;
        K = k;
        A = a;
        B = b;
        C = c;
        Lda = lda;
        Ldb = ldb;
        Ldc = ldc;
        nuint aBytes = (nuint)plan.MC * (nuint)plan.KC * (nuint)sizeof(T);
        nuint bBytes = (nuint)plan.NC * (nuint)plan.KC * (nuint)sizeof(T);
        APack0 = _aBuffers[0].Ensure(aBytes);
        BPack0 = _bBuffers[0].Ensure(bBytes);
        // A single thread never has a block in flight while packing the next, so it needs one buffer.
        APack1 = threads > 1 ? _aBuffers[1].Ensure(aBytes) : APack0;
        BPack1 = threads > 1 ? _bBuffers[1].Ensure(bBytes) : BPack0;
        _arrived = 0;
    }

    /// <summary>Drops operand pointers so a stale job can never touch memory that is no longer pinned.</summary>
    public void Clear()
    {
        A = B = C = null;
    }

    public void Execute(int threadIndex, int threadCount)
    {
        if (IsDouble)
            GemmBlocked.Run<double>(this, threadIndex, threadCount);
        else
            GemmBlocked.Run<float>(this, threadIndex, threadCount);
    }

    /// <summary>Waits until all <paramref name="threadCount"/> threads have arrived at their next barrier.</summary>
    public void Barrier(ref int passed, int threadCount)
    {
        if (threadCount == 1)
            return;
        passed++;
        Interlocked.Increment(ref _arrived);
        int target = passed * threadCount;
        SpinWait spin = default;
        while (Volatile.Read(ref _arrived) < target)
            spin.SpinOnce(sleep1Threshold: -1);
    }
}

/// <summary>GotoBLAS/BLIS-style loop nest over packed blocks.</summary>
internal static unsafe class GemmBlocked
{
    public static void Run<T>(GemmJob job, int tid, int nt)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        GemmPlan plan = job.Plan;
        int m = job.M, n = job.N;
        int mr = plan.MR, nr = plan.NR;
        T* a = (T*)job.A, b = (T*)job.B, c = (T*)job.C;
        nint ldc = job.Ldc;
        int passed = 0, aBlock = 0, bBlock = 0;

        for (int jc = 0; jc < n; jc += plan.NC)
        {
            int nc = Math.Min(plan.NC, n - jc);
            int nPanels = (nc + nr - 1) / nr;
            int pc = 0;
            for (int kb = 0; kb < plan.KBlocks; kb++)
            {
                int kc = plan.KcOf(kb);
                // Buffers alternate so packing block i+1 never races with computing block i: the barrier of
                // block i already proves every thread finished block i-1, the last user of that buffer.
                T* bPack = (T*)((bBlock++ & 1) == 0 ? job.BPack0 : job.BPack1);
                bool add = job.Accumulate || kb > 0;
                for (int ic = 0; ic < m; ic += plan.MC)
                {
                    int mc = Math.Min(plan.MC, m - ic);
                    int mPanels = (mc + mr - 1) / mr;
                    T* aPack = (T*)((aBlock++ & 1) == 0 ? job.APack0 : job.APack1);

                    if (ic == 0)
                    {
                        Share(nPanels, tid, nt, out int s0, out int s1);
                        GemmPacking.PackB(b, job.Ldb, job.TransB, pc, kc, jc, nc, nr, bPack, s0, s1);
                    }
                    Share(mPanels, tid, nt, out int r0, out int r1);
                    GemmPacking.PackA(a, job.Lda, job.TransA, ic, mc, pc, kc, mr, aPack, r0, r1);
                    job.Barrier(ref passed, nt);

                    // Tiles in column-panel-major order: consecutive tiles share the B micro-panel in L1.
                    long tiles = (long)mPanels * nPanels;
                    long q0 = tiles * tid / nt, q1 = tiles * (tid + 1) / nt;
                    int jr = (int)(q0 / mPanels), ir = (int)(q0 % mPanels);
                    for (long q = q0; q < q1; q++)
                    {
                        T* ap = aPack + (nint)ir * mr * kc;
                        T* bp = bPack + (nint)jr * nr * kc;
                        T* cp = c + (nint)(ic + ir * mr) * ldc + jc + jr * nr;
                        int rows = Math.Min(mr, mc - ir * mr);
                        int cols = Math.Min(nr, nc - jr * nr);
                        switch (plan.Level)
                        {
                            case SimdLevel.Vector512:
                                GemmKernels.Kernel512(kc, ap, bp, nr, cp, ldc, rows, cols, add);
                                break;
                            case SimdLevel.Vector256:
                                GemmKernels.Kernel256(kc, ap, bp, nr, cp, ldc, rows, cols, add);
                                break;
                            default:
                                GemmKernels.KernelScalar(kc, ap, bp, nr, cp, ldc, rows, cols, add);
                                break;
                        }
                        if (++ir == mPanels)
                        {
                            ir = 0;
                            jr++;
                        }
                    }
                }
                pc += kc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Share(int count, int tid, int nt, out int start, out int end)
    {
        start = (int)((long)count * tid / nt);
        end = (int)((long)count * (tid + 1) / nt);
    }
}
