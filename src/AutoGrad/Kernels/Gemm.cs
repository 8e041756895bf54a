using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoGrad.Kernels;

/// <summary>General matrix multiply on row-major storage.</summary>
/// <remarks>
/// Results are bit-for-bit reproducible on a given machine: the order in which each output element's
/// products are summed depends only on the shape, never on <see cref="Threading.Threads"/> or on
/// which thread computes it. NaN and infinity propagate as in a naive triple loop. The output must not
/// overlap either input. The microkernel is the best the CPU runs (AVX-512, AVX2 with FMA, or
/// scalar), or the one the environment variable <c>AUTOGRAD_GEMM_KERNEL</c> forces
/// (<c>avx512</c>, <c>avx2</c>, <c>scalar</c>; read once per process).
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
    /// <exception cref="PlatformNotSupportedException"><c>AUTOGRAD_GEMM_KERNEL</c> forces a kernel this CPU lacks.</exception>
    /// <exception cref="InvalidOperationException"><c>AUTOGRAD_GEMM_KERNEL</c> names no kernel (avx512, avx2, scalar).</exception>
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
    /// <exception cref="PlatformNotSupportedException"><c>AUTOGRAD_GEMM_KERNEL</c> forces a kernel this CPU lacks.</exception>
    /// <exception cref="InvalidOperationException"><c>AUTOGRAD_GEMM_KERNEL</c> names no kernel (avx512, avx2, scalar).</exception>
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
    /// Below this many flops per thread a second thread costs more (claiming work, waiting for shared
    /// packing, cache traffic) than it saves.
    /// </summary>
    internal const double MinFlopsPerThread = 1.5e6;

    /// <summary>
    /// Below this many flops a call does not wake sleeping workers. The caller never waits for a worker to
    /// arrive (it takes the work itself meanwhile), so waking costs it only the signal, a few microseconds;
    /// a worker that arrives tens of microseconds later still helps with a call of this size and then polls
    /// for the next. Workers that are still polling are used from <see cref="MinFlopsPerThread"/> up.
    /// </summary>
    internal const double MinFlopsToWakeWorkers = 4e6;

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

    [ThreadStatic]
    private static uint t_scheduleJitter;

    [ThreadStatic]
    private static int t_lastWorkerItems;

    /// <summary>Forces the SIMD level on this thread (tests use it to exercise every kernel); null means the process's (<see cref="GemmKernelSetting"/>).</summary>
    /// <exception cref="PlatformNotSupportedException">The CPU cannot run that level.</exception>
    internal static SimdLevel? LevelOverride
    {
        get => t_levelOverride;
        set
        {
            if (value is { } level && GemmKernelSetting.Missing(level, GemmKernels.HardwareLevel) is { } missing)
                throw new PlatformNotSupportedException(
                    $"cannot force the {GemmKernelSetting.NameOf(level)} GEMM kernel: this CPU lacks {missing}; it can run {GemmKernelSetting.Supported(GemmKernels.HardwareLevel)}");
            t_levelOverride = value;
        }
    }

    /// <summary>Makes this thread's calls skip the small-shape paths so tests can cover the blocked path on any shape.</summary>
    internal static bool DisableSmallPath { get => t_disableSmallPath; set => t_disableSmallPath = value; }

    /// <summary>Replaces <see cref="MinFlopsPerThread"/> on this thread when positive, so tests can force tiny parallel calls.</summary>
    internal static double MinFlopsPerThreadOverride { get => t_minFlopsPerThreadOverride; set => t_minFlopsPerThreadOverride = value; }

    /// <summary>
    /// When nonzero, seeds random pauses of every thread of this thread's parallel calls, so tests see many
    /// different assignments of work items to threads.
    /// </summary>
    internal static uint ScheduleJitter { get => t_scheduleJitter; set => t_scheduleJitter = value; }

    /// <summary>Work items the workers took in this thread's last parallel call made with <see cref="ScheduleJitter"/> set.</summary>
    internal static int LastWorkerItems => t_lastWorkerItems;

    internal static SimdLevel Level => t_levelOverride ?? GemmKernelSetting.Level;

    public static void Run<T>(bool transA, bool transB, int m, int n, int k,
        T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Read first, so a kernel forced by AUTOGRAD_GEMM_KERNEL that the CPU lacks fails every call alike.
        SimdLevel level = Level;
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
                s_poolJob.Prepare<T>(plan, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, threads, ScheduleJitter);
                WorkerPool.Run(s_poolJob, threads);
                t_lastWorkerItems = s_poolJob.WorkerItems;
            }
            finally
            {
                s_poolJob.Clear();
                WorkerPool.Release();
            }
            return;
        }

        local.Prepare<T>(plan, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, 1, 0);
        try
        {
            local.Execute(0);
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

    /// <summary>First k of block <paramref name="index"/>.</summary>
    public int PcOf(int index) => index * (K / KBlocks) + Math.Min(index, K % KBlocks);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

/// <summary>
/// One blocked GEMM call: operands, plan, packing buffers and the shared schedule. The call is a sequence
/// of steps, one per (n block, k block, m block) in loop-nest order; each step's work items (pack a few B
/// micro-panels, pack a few A micro-panels, compute a few output tiles) are claimed from a per-step atomic
/// counter, so a thread that is slow or descheduled simply takes fewer of them, and no thread ever waits
/// for another to arrive, only for work already taken.
/// </summary>
/// <remarks>
/// Every tile of C is computed by one microkernel call per k block, in increasing k-block order (a tile
/// waits for its previous k block), so the bits of C do not depend on which thread took which item.
/// </remarks>
internal sealed unsafe class GemmJob : ParallelJob
{
    // Per-step counters, in ints, each group on its own cache line so claiming does not bounce the line
    // that waiters poll: the packing and tile claim counters (longs, see GemmBlocked.Claim); the done
    // counts and item totals.
    internal const int StepStride = 48;
    internal const int PackClaimed = 0;
    internal const int TileClaimed = 16;
    internal const int BDone = 32, ADone = 33, TDone = 34;
    internal const int BItems = 35, AItems = 36, TItems = 37;

    // Micro-panels per work item: enough work per claim that the atomic costs little, few enough that the
    // last items of a step balance well between threads.
    internal const int BPanelsPerItem = 2;
    internal const int APanelsPerItem = 4;
    internal const int TilesPerItem = 4;

    // Packed A and B for all of k together, at most: each thread then holds all of A and its part of B in
    // its L2 (1 MiB or more on the AVX-512 cores the blocking is tuned for, 2 MiB on this project's machine).
    private const int WholeKBytes = 1536 * 1024;

    private readonly AlignedBuffer[] _aBuffers = [new(), new()];
    private readonly AlignedBuffer[] _bBuffers = [new(), new()];
    private readonly AlignedBuffer _counters = new();

    public GemmPlan Plan;
    public bool IsDouble;
    public bool TransA, TransB, Accumulate;
    public int M, N, K;
    public void* A, B, C;
    public nint Lda, Ldb, Ldc;
    public void* APack0, APack1, BPack0, BPack1;
    public int MBlocks, NBlocks, Steps, Threads;

    /// <summary>
    /// True when the call packs every k block of A and B up front and each tile item runs through all k
    /// blocks (see <see cref="GemmBlocked.RunWholeK"/>).
    /// </summary>
    public bool WholeK;
    public int* Counters;

    /// <summary>Test hook: nonzero makes every thread pause at random before work items (see <see cref="GemmDriver.ScheduleJitter"/>).</summary>
    public uint Jitter;

    /// <summary>Work items run by threads other than the caller; counted only while <see cref="Jitter"/> is set.</summary>
    public int WorkerItems;

    /// <summary>Scratch for the small-shape path, which runs only on the thread owning this job.</summary>
    public void* Scratch(int which, nuint bytes) => (which == 0 ? _aBuffers[0] : _bBuffers[0]).Ensure(bytes);

    public void Prepare<T>(in GemmPlan plan, bool transA, bool transB, int m, int n, int k,
        T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate, int threads, uint jitter)
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
        MBlocks = (m + plan.MC - 1) / plan.MC;
        NBlocks = (n + plan.NC - 1) / plan.NC;
        Jitter = jitter;
        WorkerItems = 0;
        Threads = threads;

        // With one m and one n block the k blocks would be steps that each end in a wait for the other
        // threads; packing all of k at once leaves one wait per call. One thread has nothing to wait for.
        int mPanels1 = (Math.Min(plan.MC, m) + plan.MR - 1) / plan.MR;
        int nPanels1 = (Math.Min(plan.NC, n) + plan.NR - 1) / plan.NR;
        long wholeKBytes = ((long)mPanels1 * plan.MR + (long)nPanels1 * plan.NR) * k * sizeof(T);
        WholeK = threads > 1 && plan.KBlocks > 1 && MBlocks == 1 && NBlocks == 1 && wholeKBytes <= WholeKBytes;

        nuint aBytes = (nuint)plan.MC * (nuint)plan.KC * (nuint)sizeof(T);
        nuint bBytes = (nuint)plan.NC * (nuint)plan.KC * (nuint)sizeof(T);
        if (WholeK)
        {
            aBytes = (nuint)mPanels1 * (nuint)plan.MR * (nuint)k * (nuint)sizeof(T);
            bBytes = (nuint)nPanels1 * (nuint)plan.NR * (nuint)k * (nuint)sizeof(T);
        }
        APack0 = _aBuffers[0].Ensure(aBytes);
        BPack0 = _bBuffers[0].Ensure(bBytes);
        // A single thread never has a block in flight while packing the next, so it needs one buffer;
        // neither does a whole-k call, which packs everything once.
        bool twoBuffers = threads > 1 && !WholeK;
        APack1 = twoBuffers ? _aBuffers[1].Ensure(aBytes) : APack0;
        BPack1 = twoBuffers ? _bBuffers[1].Ensure(bBytes) : BPack0;

        Steps = WholeK ? 1 : NBlocks * plan.KBlocks * MBlocks;
        nuint counterBytes = (nuint)Steps * StepStride * sizeof(int);
        Counters = (int*)_counters.Ensure(counterBytes);
        NativeMemory.Clear(Counters, counterBytes);
        if (WholeK)
        {
            Counters[BItems] = plan.KBlocks * ((nPanels1 + BPanelsPerItem - 1) / BPanelsPerItem);
            Counters[AItems] = plan.KBlocks * ((mPanels1 + APanelsPerItem - 1) / APanelsPerItem);
            Counters[TItems] = nPanels1 * ((mPanels1 + TilesPerItem - 1) / TilesPerItem);
        }
        for (int s = 0; s < Steps && !WholeK; s++)
        {
            int ib = s % MBlocks, jb = s / MBlocks / plan.KBlocks;
            int mPanels = (Math.Min(plan.MC, m - ib * plan.MC) + plan.MR - 1) / plan.MR;
            int nPanels = (Math.Min(plan.NC, n - jb * plan.NC) + plan.NR - 1) / plan.NR;
            int* cs = Counters + (nint)s * StepStride;
            // B is packed once per (n block, k block), by its first m block's step.
            cs[BItems] = ib == 0 ? (nPanels + BPanelsPerItem - 1) / BPanelsPerItem : 0;
            cs[AItems] = (mPanels + APanelsPerItem - 1) / APanelsPerItem;
            cs[TItems] = nPanels * ((mPanels + TilesPerItem - 1) / TilesPerItem);
        }
        // Workers that join read the fields above, so they must all be written first.
        if (threads > 1)
            Open();
    }

    /// <summary>Drops operand pointers so a stale job can never touch memory that is no longer pinned.</summary>
    public void Clear()
    {
        A = B = C = null;
    }

    public override void Execute(int threadIndex)
    {
        if (IsDouble)
        {
            if (WholeK)
                GemmBlocked.RunWholeK<double>(this, threadIndex);
            else
                GemmBlocked.Run<double>(this, threadIndex);
        }
        else
        {
            if (WholeK)
                GemmBlocked.RunWholeK<float>(this, threadIndex);
            else
                GemmBlocked.Run<float>(this, threadIndex);
        }
    }

    /// <summary>Waits until <c>counter &gt;= target</c>; throws if another thread of the job failed, which would never finish it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WaitFor(int* counter, int target)
    {
        if (Volatile.Read(ref *counter) < target)
            WaitSlow(counter, target);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitSlow(int* counter, int target)
    {
        SpinWait spin = default;
        while (Volatile.Read(ref *counter) < target)
        {
            if (Failed)
                throw new InvalidOperationException("Another thread of this matrix multiply failed.");
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}

/// <summary>GotoBLAS/BLIS-style loop nest over packed blocks, with its work items claimed dynamically.</summary>
internal static unsafe class GemmBlocked
{
    public static void Run<T>(GemmJob job, int tid)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        GemmPlan plan = job.Plan;
        int m = job.M, n = job.N, mBlocks = job.MBlocks;
        int mr = plan.MR, nr = plan.NR;
        T* a = (T*)job.A, b = (T*)job.B, c = (T*)job.C;
        nint ldc = job.Ldc;
        int* counters = job.Counters;
        uint jitter = job.Jitter == 0 ? 0 : job.Jitter * 2654435761u + (uint)tid * 40503u + 1;

        for (int s = 0; s < job.Steps; s++)
        {
            int* cs = counters + (nint)s * GemmJob.StepStride;
            int bItems = cs[GemmJob.BItems], aItems = cs[GemmJob.AItems], tItems = cs[GemmJob.TItems];
            long* tileClaimed = (long*)(cs + GemmJob.TileClaimed);
            // Cheap exit for steps the other threads have already taken entirely.
            long taken = Volatile.Read(ref *tileClaimed);
            if ((int)taken + (int)(taken >> 32) >= tItems)
                continue;

            int ib = s % mBlocks, kb = s / mBlocks % plan.KBlocks, jb = s / mBlocks / plan.KBlocks;
            int ic = ib * plan.MC, jc = jb * plan.NC, pc = plan.PcOf(kb), kc = plan.KcOf(kb);
            int mc = Math.Min(plan.MC, m - ic), nc = Math.Min(plan.NC, n - jc);
            int mPanels = (mc + mr - 1) / mr, nPanels = (nc + nr - 1) / nr;
            int groups = (mPanels + GemmJob.TilesPerItem - 1) / GemmJob.TilesPerItem;
            // Buffers alternate between consecutive steps (A) and consecutive k blocks (B), so packing the
            // next block overlaps computing this one; packing waits only for the block two back.
            int block = s / mBlocks;
            T* aPack = (T*)((s & 1) == 0 ? job.APack0 : job.APack1);
            T* bPack = (T*)((block & 1) == 0 ? job.BPack0 : job.BPack1);
            int* bOwner = counters + (nint)block * mBlocks * GemmJob.StepStride;
            bool add = job.Accumulate || kb > 0;

            // Packing is claimed from both ends like the tiles below, in the order [first half of B, A,
            // second half of B]: each end packs the B micro-panels it is about to compute with, while they
            // are in its own cache, and the two ends split A where they meet.
            long* packClaimed = (long*)(cs + GemmJob.PackClaimed);
            int bLow = bItems / 2;
            while (Claim(packClaimed, bItems + aItems, tid, 0, out int item) > 0)
            {
                if (jitter != 0)
                    Pause(job, ref jitter, tid);
                bool packB = item < bLow || item >= bLow + aItems;
                if (packB)
                {
                    if (item >= bLow)
                        item -= aItems;
                    // The other B buffer holds block - 1; this one was last read by every step of block - 2.
                    for (int t = (block - 2) * mBlocks; t >= 0 && t < (block - 1) * mBlocks; t++)
                        WaitTiles(job, counters, t);
                    int p0 = item * GemmJob.BPanelsPerItem;
                    GemmPacking.PackB(b, job.Ldb, job.TransB, pc, kc, jc, nc, nr, bPack,
                        p0, Math.Min(nPanels, p0 + GemmJob.BPanelsPerItem));
                    Interlocked.Increment(ref cs[GemmJob.BDone]);
                }
                else
                {
                    if (s >= 2)
                        WaitTiles(job, counters, s - 2);
                    int p0 = (item - bLow) * GemmJob.APanelsPerItem;
                    GemmPacking.PackA(a, job.Lda, job.TransA, ic, mc, pc, kc, mr, aPack,
                        p0, Math.Min(mPanels, p0 + GemmJob.APanelsPerItem));
                    Interlocked.Increment(ref cs[GemmJob.ADone]);
                }
            }

            job.WaitFor(cs + GemmJob.ADone, aItems);
            job.WaitFor(bOwner + GemmJob.BDone, bOwner[GemmJob.BItems]);
            // The same tiles' previous k block must have landed in C before this one adds to it.
            if (kb > 0)
                WaitTiles(job, counters, s - mBlocks);

            // The caller takes tiles from the front, workers from the back: each thread keeps a contiguous
            // run of B micro-panels and of C (as a static split would) while the meeting point adapts.
            // Chunks shrink as the two ends approach, so claims are few but the last ones are small.
            int count;
            while ((count = Claim(tileClaimed, tItems, tid, 2 * job.Threads, out int first)) > 0)
            {
                if (jitter != 0)
                    Pause(job, ref jitter, tid);
                for (int t = first; t < first + count; t++)
                {
                    // Items run down a column of tiles: consecutive tiles share the B micro-panel in L1.
                    int jr = t / groups, ir0 = t % groups * GemmJob.TilesPerItem;
                    int ir1 = Math.Min(mPanels, ir0 + GemmJob.TilesPerItem);
                    T* bp = bPack + (nint)jr * nr * kc;
                    int cols = Math.Min(nr, nc - jr * nr);
                    for (int ir = ir0; ir < ir1; ir++)
                    {
                        T* ap = aPack + (nint)ir * mr * kc;
                        T* cp = c + (nint)(ic + ir * mr) * ldc + jc + jr * nr;
                        int rows = Math.Min(mr, mc - ir * mr);
                        Tile(plan.Level, kc, ap, bp, nr, cp, ldc, rows, cols, add);
                    }
                }
                Interlocked.Add(ref cs[GemmJob.TDone], count);
            }
        }

        // The caller returns only when all of C is written, including items other threads still hold.
        if (tid == 0)
        {
            for (int s = 0; s < job.Steps; s++)
                WaitTiles(job, counters, s);
        }
    }

    /// <summary>
    /// The whole-k schedule: one step whose pack items cover every k block (B items ordered by micro-panel
    /// first, so the two claiming ends still pack the panels they compute with), then tile items that each
    /// add their tiles' k blocks into C in increasing order, exactly as the stepwise schedule does.
    /// </summary>
    public static void RunWholeK<T>(GemmJob job, int tid)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        GemmPlan plan = job.Plan;
        int m = job.M, n = job.N, kBlocks = plan.KBlocks;
        int mr = plan.MR, nr = plan.NR;
        int mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
        int groups = (mPanels + GemmJob.TilesPerItem - 1) / GemmJob.TilesPerItem;
        int aPerK = (mPanels + GemmJob.APanelsPerItem - 1) / GemmJob.APanelsPerItem;
        T* a = (T*)job.A, b = (T*)job.B, c = (T*)job.C;
        T* aPack = (T*)job.APack0, bPack = (T*)job.BPack0;
        nint ldc = job.Ldc;
        int* cs = job.Counters;
        int bItems = cs[GemmJob.BItems], aItems = cs[GemmJob.AItems], tItems = cs[GemmJob.TItems];
        uint jitter = job.Jitter == 0 ? 0 : job.Jitter * 2654435761u + (uint)tid * 40503u + 1;

        long* packClaimed = (long*)(cs + GemmJob.PackClaimed);
        int bLow = bItems / 2;
        while (Claim(packClaimed, bItems + aItems, tid, 0, out int item) > 0)
        {
            if (jitter != 0)
                Pause(job, ref jitter, tid);
            if (item < bLow || item >= bLow + aItems)
            {
                if (item >= bLow)
                    item -= aItems;
                int kb = item % kBlocks, p0 = item / kBlocks * GemmJob.BPanelsPerItem;
                int pc = plan.PcOf(kb);
                GemmPacking.PackB(b, job.Ldb, job.TransB, pc, plan.KcOf(kb), 0, n, nr, bPack + (nint)nPanels * nr * pc,
                    p0, Math.Min(nPanels, p0 + GemmJob.BPanelsPerItem));
                Interlocked.Increment(ref cs[GemmJob.BDone]);
            }
            else
            {
                int kb = (item - bLow) / aPerK, p0 = (item - bLow) % aPerK * GemmJob.APanelsPerItem;
                int pc = plan.PcOf(kb);
                GemmPacking.PackA(a, job.Lda, job.TransA, 0, m, pc, plan.KcOf(kb), mr, aPack + (nint)mPanels * mr * pc,
                    p0, Math.Min(mPanels, p0 + GemmJob.APanelsPerItem));
                Interlocked.Increment(ref cs[GemmJob.ADone]);
            }
        }
        job.WaitFor(cs + GemmJob.ADone, aItems);
        job.WaitFor(cs + GemmJob.BDone, bItems);

        long* tileClaimed = (long*)(cs + GemmJob.TileClaimed);
        int count;
        while ((count = Claim(tileClaimed, tItems, tid, 2 * job.Threads, out int first)) > 0)
        {
            if (jitter != 0)
                Pause(job, ref jitter, tid);
            for (int t = first; t < first + count; t++)
            {
                int jr = t / groups, ir0 = t % groups * GemmJob.TilesPerItem;
                int ir1 = Math.Min(mPanels, ir0 + GemmJob.TilesPerItem);
                int cols = Math.Min(nr, n - jr * nr);
                for (int kb = 0; kb < kBlocks; kb++)
                {
                    int pc = plan.PcOf(kb), kc = plan.KcOf(kb);
                    bool add = job.Accumulate || kb > 0;
                    T* bp = bPack + (nint)nPanels * nr * pc + (nint)jr * nr * kc;
                    for (int ir = ir0; ir < ir1; ir++)
                    {
                        T* ap = aPack + (nint)mPanels * mr * pc + (nint)ir * mr * kc;
                        T* cp = c + (nint)ir * mr * ldc + jr * nr;
                        Tile(plan.Level, kc, ap, bp, nr, cp, ldc, Math.Min(mr, m - ir * mr), cols, add);
                    }
                }
            }
            Interlocked.Add(ref cs[GemmJob.TDone], count);
        }

        if (tid == 0)
            job.WaitFor(cs + GemmJob.TDone, tItems);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<T>(SimdLevel level, int kc, T* ap, T* bp, int nr, T* cp, nint ldc, int rows, int cols, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (level)
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
    }

    /// <summary>
    /// Claims the next items of a step, from the front for the caller (<paramref name="tid"/> 0) and from the
    /// back for workers. Returns how many consecutive items starting at <paramref name="first"/> are now this
    /// thread's; zero when none are left.
    /// </summary>
    /// <remarks>
    /// The counter holds the count taken from the front in its low half and from the back in its high half.
    /// Each claim is one atomic add, so claims are totally ordered: an add whose result still fits
    /// (front + back &lt;= total) owns all it asked for, and one that overshoots owns only what the adds before
    /// it left, which is exactly [front - chunk, total - back) from the front. With a nonzero
    /// <paramref name="divisor"/> a claim asks for that fraction of what remains, so chunks shrink as the
    /// two ends meet; with zero it asks for one item.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Claim(long* counter, int total, int tid, int divisor, out int first)
    {
        int chunk = 1;
        if (divisor > 0)
        {
            long seen = Volatile.Read(ref *counter);
            int left = total - (int)seen - (int)(seen >> 32);
            chunk = Math.Max(1, left / divisor);
        }
        long claimed = Interlocked.Add(ref *counter, tid == 0 ? chunk : (long)chunk << 32);
        int front = (int)claimed, back = (int)(claimed >> 32);
        if (tid == 0)
        {
            first = front - chunk;
            return Math.Max(0, Math.Min(front, total - back) - first);
        }
        int end = total - (back - chunk);
        first = Math.Max(total - back, front);
        return Math.Max(0, end - first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WaitTiles(GemmJob job, int* counters, int step)
    {
        int* cs = counters + (nint)step * GemmJob.StepStride;
        job.WaitFor(cs + GemmJob.TDone, cs[GemmJob.TItems]);
    }

    /// <summary>Test hook: random pauses and yields so threads take different items on every run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Pause(GemmJob job, ref uint state, int tid)
    {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        if (tid != 0)
            Interlocked.Increment(ref job.WorkerItems);
        // Sleeps longer than a whole step let the other threads run far ahead, as a descheduled thread would.
        switch (state % 16)
        {
            case 0:
                Thread.Sleep(1);
                break;
            case 1:
            case 2:
                Thread.Yield();
                break;
            case 3:
            case 4:
            case 5:
                Thread.SpinWait((int)(state >> 20));
                break;
        }
    }
}
