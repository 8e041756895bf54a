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

/// <summary>
/// Work that <see cref="WorkerPool"/> shares between the calling thread and whichever workers arrive in time.
/// </summary>
/// <remarks>
/// Workers join an open job, run <see cref="Execute"/> and leave. The caller's <see cref="Execute"/> must
/// return only when the whole job is done, because a worker that is descheduled or still asleep may never
/// join: the caller then does its share. <see cref="Close"/> shuts the door on late workers and waits for
/// those inside to leave, after which the job may be prepared again.
/// </remarks>
internal abstract class ParallelJob
{
    private const int ClosedFlag = 1 << 30;

    // Low bits count workers inside the job; ClosedFlag set means no worker may join.
    private int _state = ClosedFlag;
    private Exception? _failure;

    /// <summary>Runs a share of the work; thread 0, the caller, returns only when all of it is done.</summary>
    public abstract void Execute(int threadIndex);

    /// <summary>True once any thread of the job has failed; waits in the job poll it so no thread waits forever.</summary>
    public bool Failed => Volatile.Read(ref _failure) is not null;

    /// <summary>The first failure of any thread of the job, or null.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Records a failure; the first one wins.</summary>
    public void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, e, null);

    /// <summary>Lets workers join; call after every field the workers read has been written.</summary>
    protected void Open()
    {
        _failure = null;
        Volatile.Write(ref _state, 0);
    }

    /// <summary>Enters the job unless it is closed (finished, or not yet prepared).</summary>
    public bool TryJoin()
    {
        int state = Volatile.Read(ref _state);
        while ((state & ClosedFlag) == 0)
        {
            int seen = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (seen == state)
                return true;
            state = seen;
        }
        return false;
    }

    /// <summary>Leaves a job entered with <see cref="TryJoin"/>.</summary>
    public void Leave() => Interlocked.Decrement(ref _state);

    /// <summary>Stops further joins and waits until every worker inside has left.</summary>
    public void Close()
    {
        SpinWait spin = default;
        while (Interlocked.CompareExchange(ref _state, ClosedFlag, 0) != 0)
            spin.SpinOnce(sleep1Threshold: -1);
    }
}

/// <summary>
/// Persistent background workers that help the calling thread with one <see cref="ParallelJob"/> at a
/// time. Workers spin briefly after each job, so back-to-back calls (a training step issues many) avoid
/// the cost of a kernel wake-up, and then sleep so an idle pool costs nothing. The caller never waits for
/// a worker to arrive, only for workers already inside the job to finish what they took.
/// </summary>
internal static class WorkerPool
{
    private sealed class Worker
    {
        public long Sequence;
        public int Sleeping;
        public ParallelJob? Job;
        public int ThreadIndex;
    }

    private static readonly object s_dispatchLock = new();
    private static readonly object s_growLock = new();
    private static Worker[] s_workers = [];

    /// <summary>How long a worker keeps polling for the next job before it blocks.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 10_000; // 100 microseconds

    /// <summary>
    /// Takes exclusive use of the pool. Returns false at once when another thread holds it, so that caller
    /// can run its work alone instead of queueing behind an unrelated call. Returns false too on the thread
    /// that already holds it: a kernel called from inside a parallel job (a GEMM in one sample's share of a
    /// convolution) then runs alone, while the pool's workers are busy with the outer job.
    /// </summary>
    public static bool TryAcquire() => !Monitor.IsEntered(s_dispatchLock) && Monitor.TryEnter(s_dispatchLock);

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
    /// Runs the open <paramref name="job"/> on the caller and up to <paramref name="threadCount"/> - 1
    /// workers, and returns when it is done and closed. The caller must hold the pool.
    /// </summary>
    public static void Run(ParallelJob job, int threadCount)
    {
        Debug.Assert(threadCount >= 2 && Monitor.IsEntered(s_dispatchLock));
        Worker[] workers = EnsureWorkers(threadCount - 1);
        for (int w = 0; w < threadCount - 1; w++)
        {
            Worker worker = workers[w];
            Volatile.Write(ref worker.Job, job);
            worker.ThreadIndex = w + 1;
            // Full fence: Sleeping is read only after the new sequence is visible to the worker.
            Interlocked.Increment(ref worker.Sequence);
            if (Volatile.Read(ref worker.Sleeping) != 0)
            {
                lock (worker)
                    Monitor.Pulse(worker);
            }
        }

        try
        {
            job.Execute(0);
        }
        catch (Exception e)
        {
            // Workers waiting on the caller's unfinished work see this and leave, so Close cannot hang.
            job.Fail(e);
        }
        job.Close();
        if (job.Failure is { } failure)
            throw new AggregateException("A kernel thread failed.", failure);
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
            // A worker that wakes after its job finished finds it closed (or finds a newer job, which is
            // just as well to help with).
            ParallelJob? job = Volatile.Read(ref worker.Job);
            if (job is null || !job.TryJoin())
                continue;
            try
            {
                job.Execute(worker.ThreadIndex);
            }
            catch (Exception e)
            {
                job.Fail(e);
            }
            finally
            {
                job.Leave();
            }
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
