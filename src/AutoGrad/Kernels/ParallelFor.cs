using System.Diagnostics;

namespace AutoGrad.Kernels;

/// <summary>One item of a <see cref="ParallelFor"/> loop.</summary>
internal interface IParallelBody
{
    /// <summary>Runs item <paramref name="item"/> with scratch slot <paramref name="slot"/>, which no other thread uses meanwhile.</summary>
    void Run(int item, int slot);
}

/// <summary>
/// A loop over independent items shared between the calling thread and the <see cref="WorkerPool"/>'s
/// workers, each thread with its own scratch slot. Items are claimed one at a time, so the split follows
/// the threads' speed; whatever a body writes must depend only on its item (never on the slot's previous
/// contents or on the thread), which keeps results identical for every thread count.
/// </summary>
internal static class ParallelFor
{
    /// <summary>
    /// Runs <paramref name="body"/> for items 0..<paramref name="items"/>-1 on at most
    /// <paramref name="slots"/> threads (slot indices stay below it), fewer when the work
    /// (<paramref name="flopsPerItem"/> each) would not pay for a second thread or the pool is busy.
    /// </summary>
    public static void Run<B>(int items, int slots, double flopsPerItem, B body) where B : struct, IParallelBody
    {
        int threads = Threads(items, slots, flopsPerItem);
        if (threads > 1 && WorkerPool.TryAcquire())
        {
            var job = Job<B>.Instance;
            try
            {
                job.Prepare(body, items, threads);
                WorkerPool.Run(job, threads);
            }
            finally
            {
                job.Body = default;
                WorkerPool.Release();
            }
            return;
        }
        for (int i = 0; i < items; i++) body.Run(i, 0);
    }

    /// <summary>How many threads <see cref="Run"/> would use; a caller sizes its scratch with it.</summary>
    public static int Threads(int items, int slots, double flopsPerItem)
    {
        int threads = Math.Min(Math.Min(Threading.Threads, items), slots);
        if (threads <= 1) return 1;
        double flops = flopsPerItem * items;
        int byWork = (int)Math.Min(threads, Math.Max(1.0, flops / GemmDriver.MinFlopsPerThread));
        if (byWork > 1 && flops < GemmDriver.MinFlopsToWakeWorkers && !WorkerPool.WorkersAwake(byWork - 1)) return 1;
        return byWork;
    }

    /// <summary>The job of one body type (the pool runs one job at a time, so one instance per type suffices).</summary>
    private sealed class Job<B> : ParallelJob where B : struct, IParallelBody
    {
        public static readonly Job<B> Instance = new();

        public B Body;
        private int _items, _slots, _next, _done, _nextSlot;
        private SimdLevel? _level;

        public void Prepare(B body, int items, int slots)
        {
            Body = body;
            // A GEMM kernel forced on the caller's thread (a test hook) holds for the workers' GEMMs too.
            _level = GemmDriver.LevelOverride;
            _items = items;
            _slots = slots;
            _next = 0;
            _done = 0;
            _nextSlot = 0;
            Open();
        }

        public override void Execute(int threadIndex)
        {
            // The caller has slot 0; a worker takes the next free one, and leaves if there is none (a worker
            // that woke late for an earlier call of this job can find it open again with every slot taken).
            int slot = threadIndex == 0 ? 0 : Interlocked.Increment(ref _nextSlot);
            if (slot >= _slots) return;
            var body = Body;
            var level = GemmDriver.LevelOverride;
            if (threadIndex != 0) GemmDriver.LevelOverride = _level;
            try
            {
                int item;
                while (!Failed && (item = Interlocked.Increment(ref _next) - 1) < _items)
                {
                    body.Run(item, slot);
                    Interlocked.Increment(ref _done);
                }
            }
            finally
            {
                if (threadIndex != 0) GemmDriver.LevelOverride = level;
            }
            if (threadIndex != 0) return;
            SpinWait spin = default;
            while (Volatile.Read(ref _done) < _items && !Failed) spin.SpinOnce(sleep1Threshold: -1);
            Debug.Assert(Failed || _done == _items);
        }
    }
}
