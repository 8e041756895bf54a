using System.Diagnostics;

namespace AutoGrad.Kernels;

/// <summary>Controls how many threads the compute kernels may use.</summary>
public static class Threading
{
    private static int s_threads = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>
    /// Number of threads a kernel call may use, counting the calling thread. Defaults to
    /// <see cref="Environment.ProcessorCount"/> capped at 8. Kernels never split a reduction across threads,
    /// so results are bit-for-bit identical for every value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int Threads
    {
        get => Volatile.Read(ref s_threads);
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads must be at least 1 but was {value}.");
            Volatile.Write(ref s_threads, value);
        }
    }
}

/// <summary>Work that <see cref="WorkerPool"/> runs on several threads at once.</summary>
internal interface IParallelJob
{
    /// <summary>Runs this thread's share; <paramref name="threadIndex"/> is 0 for the calling thread.</summary>
    void Execute(int threadIndex, int threadCount);
}

/// <summary>
/// Persistent background workers that run one <see cref="IParallelJob"/> at a time together with the
/// calling thread. Workers spin briefly after each job, so back-to-back calls (a training step issues
/// many) avoid the cost of a kernel wake-up, and then sleep so an idle pool costs nothing.
/// </summary>
internal static class WorkerPool
{
    private sealed class Worker
    {
        public long Sequence;
        public int Sleeping;
        public IParallelJob? Job;
        public int ThreadIndex;
        public int ThreadCount;
    }

    private static readonly object s_dispatchLock = new();
    private static readonly object s_growLock = new();
    private static Worker[] s_workers = [];
    private static int s_remaining;
    private static Exception? s_failure;

    /// <summary>How long a worker keeps polling for the next job before it blocks.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 10_000; // 100 microseconds

    /// <summary>
    /// Takes exclusive use of the pool. Returns false at once when another thread holds it, so that caller
    /// can run its work alone instead of queueing behind an unrelated call.
    /// </summary>
    public static bool TryAcquire() => Monitor.TryEnter(s_dispatchLock);

    /// <summary>
    /// True when the first <paramref name="count"/> workers exist and are polling for work, so a job reaches
    /// them in well under a microsecond instead of paying an OS wake-up.
    /// </summary>
    public static bool WorkersAwake(int count)
    {
        Worker[] workers = s_workers;
        if (workers.Length < count)
            return false;
        for (int i = 0; i < count; i++)
        {
            if (Volatile.Read(ref workers[i].Sleeping) != 0)
                return false;
        }
        return true;
    }

    /// <summary>Gives back the pool taken by <see cref="TryAcquire"/>.</summary>
    public static void Release() => Monitor.Exit(s_dispatchLock);

    /// <summary>
    /// Runs <paramref name="job"/> on <paramref name="threadCount"/> threads, the caller being thread 0,
    /// and returns when all have finished. The caller must hold the pool.
    /// </summary>
    public static void Run(IParallelJob job, int threadCount)
    {
        Debug.Assert(threadCount >= 2 && Monitor.IsEntered(s_dispatchLock));
        Worker[] workers = EnsureWorkers(threadCount - 1);
        s_failure = null;
        Volatile.Write(ref s_remaining, threadCount - 1);
        for (int w = 0; w < threadCount - 1; w++)
        {
            Worker worker = workers[w];
            worker.Job = job;
            worker.ThreadIndex = w + 1;
            worker.ThreadCount = threadCount;
            // Full fence: Sleeping is read only after the new sequence is visible to the worker.
            Interlocked.Increment(ref worker.Sequence);
            if (Volatile.Read(ref worker.Sleeping) != 0)
            {
                lock (worker)
                    Monitor.Pulse(worker);
            }
        }

        Exception? own = null;
        try
        {
            job.Execute(0, threadCount);
        }
        catch (Exception e)
        {
            own = e;
        }

        SpinWait spin = default;
        while (Volatile.Read(ref s_remaining) != 0)
            spin.SpinOnce(sleep1Threshold: -1);

        for (int w = 0; w < threadCount - 1; w++)
            workers[w].Job = null;
        Exception? failure = own ?? s_failure;
        if (failure is not null)
            throw new AggregateException("A kernel worker thread failed.", failure);
    }

    private static Worker[] EnsureWorkers(int count)
    {
        Worker[] workers = s_workers;
        if (workers.Length >= count)
            return workers;
        lock (s_growLock)
        {
            workers = s_workers;
            if (workers.Length >= count)
                return workers;
            var grown = new Worker[count];
            Array.Copy(workers, grown, workers.Length);
            for (int i = workers.Length; i < count; i++)
            {
                var worker = new Worker();
                grown[i] = worker;
                var thread = new Thread(() => WorkerLoop(worker))
                {
                    IsBackground = true,
                    Name = $"AutoGrad kernel worker {i + 1}",
                };
                thread.Start();
            }
            s_workers = grown;
            return grown;
        }
    }

    private static void WorkerLoop(Worker worker)
    {
        long seen = 0;
        while (true)
        {
            if (!SpinUntilChanged(worker, seen))
            {
                lock (worker)
                {
                    // Full fence before re-reading Sequence pairs with the dispatcher's increment-then-read.
                    Interlocked.Exchange(ref worker.Sleeping, 1);
                    while (Volatile.Read(ref worker.Sequence) == seen)
                        Monitor.Wait(worker);
                    Volatile.Write(ref worker.Sleeping, 0);
                }
            }

            seen = Volatile.Read(ref worker.Sequence);
            try
            {
                worker.Job!.Execute(worker.ThreadIndex, worker.ThreadCount);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_failure, e, null);
            }
            Interlocked.Decrement(ref s_remaining);
        }
    }

    private static bool SpinUntilChanged(Worker worker, long seen)
    {
        long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
        while (true)
        {
            for (int i = 0; i < 64; i++)
            {
                if (Volatile.Read(ref worker.Sequence) != seen)
                    return true;
                Thread.SpinWait(1);
            }
            if (Stopwatch.GetTimestamp() > deadline)
                return false;
        }
    }
}
