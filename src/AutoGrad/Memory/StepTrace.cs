using System.Runtime.CompilerServices;

namespace AutoGrad.Memory;

/// <summary>
/// The recording side of <see cref="StepPlan"/>: while a step is being captured on this thread,
/// every kernel execution appends a replay action bound to the same input and output tensors, and
/// every op result is allocated for good (owned by the plan) instead of from a step scope's pool.
/// </summary>
/// <remarks>
/// Ops check <see cref="Current"/> once after running their kernel; with no capture in progress
/// anywhere that is one read of a static field. The replay actions are closures created here (or
/// in small static helpers next to the ops), never in an op's own body, so that an op running
/// eagerly never allocates a closure.
/// </remarks>
internal sealed class StepTrace
{
    private static int s_active;
    [ThreadStatic] private static StepTrace? t_current;

    private readonly List<Action> _actions = [];
    private readonly int[][] _indices;
    private readonly HashSet<Storage> _owned = new(ReferenceEqualityComparer.Instance);

    private StepTrace(int[][] indices) => _indices = indices;

    /// <summary>The trace recording on this thread, or null (also while a recorded action runs for the first time).</summary>
    public static StepTrace? Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_active == 0 ? null : t_current;
    }

    /// <summary>Starts recording on this thread.</summary>
    public static StepTrace Begin(int[][] indices)
    {
        var trace = new StepTrace(indices);
        Interlocked.Increment(ref s_active);
        t_current = trace;
        return trace;
    }

    /// <summary>Stops recording on this thread.</summary>
    public void End()
    {
        t_current = null;
        Interlocked.Decrement(ref s_active);
    }

    /// <summary>The replay actions, in execution order.</summary>
    public Action[] Actions => [.. _actions];

    /// <summary>The buffers created while recording (op results and tensors created by the step).</summary>
    public Storage[] OwnedStorages => [.. _owned];

    /// <summary>Notes a buffer created while recording.</summary>
    public void Owns(Storage s) => _owned.Add(s);

    /// <summary>True when the tensor's buffer was created while recording.</summary>
    public bool IsOwned(Tensor t) => _owned.Contains(t.Storage);

    /// <summary>Appends a kernel's replay after checking that what it reads will still exist at replay.</summary>
    public void Add(Action replay, Tensor read0, Tensor? read1 = null, Tensor? read2 = null)
    {
        Reads(read0);
        if (read1 is not null) Reads(read1);
        if (read2 is not null) Reads(read2);
        _actions.Add(replay);
    }

    /// <summary>Appends an action that reads no tensor (or checks its reads itself).</summary>
    public void Add(Action replay) => _actions.Add(replay);

    /// <summary>
    /// Runs <paramref name="action"/> now with recording suspended (what it does inside is neither
    /// traced nor refused) and appends it, so replay runs the same code: the step actions
    /// (optimizer step, zero grad, gradient accumulation, dropout masks, random draws).
    /// </summary>
    public void RunAndRecord(Action action)
    {
        t_current = null;
        try { action(); }
        finally { t_current = this; }
        _actions.Add(action);
    }

    /// <summary>Refuses a tensor whose buffer a step scope recycles: replay would read freed memory.</summary>
    public void Reads(Tensor t)
    {
        if (t.Storage.IsPooled)
            throw new InvalidOperationException(
                $"StepPlan.Capture: the step reads a tensor ({Autograd.Node.Describe(t)}) that was produced inside a StepScope outside the captured step; " +
                "its memory is recycled when that scope ends, so the plan could not read it at replay. Create it outside any StepScope, or Clone() it, before capturing.");
    }

    /// <summary>
    /// The registered index array (and range) that <paramref name="index"/> lies in, so replay reads
    /// its current values. Index spans that lie in no registered array are refused: their values
    /// would otherwise be frozen at capture (the classic mistake: the batch's labels).
    /// </summary>
    /// <exception cref="InvalidOperationException">The span is not inside a registered array.</exception>
    public unsafe ReadOnlyMemory<int> Index(string op, ReadOnlySpan<int> index)
    {
        if (index.IsEmpty) return ReadOnlyMemory<int>.Empty;
        fixed (int* p = index)
        {
            foreach (var array in _indices)
            {
                if (array.Length == 0) continue;
                fixed (int* a = array)
                {
                    long offset = p - a;
                    if (offset >= 0 && offset + index.Length <= array.Length)
                        return new ReadOnlyMemory<int>(array, (int)offset, index.Length);
                }
            }
        }
        throw new InvalidOperationException(
            $"{op} inside StepPlan.Capture: its {index.Length} indices are not part of an array registered with the plan, so replay could not read their current values. " +
            "Register the array with StepPlan.Capture(step, indices) (e.g. the batch's label array, which a DataLoader refills in place) and pass it, or a slice of it, to the op; register constant index arrays the same way.");
    }

    /// <summary>Throws when called while a step is being captured: what <paramref name="what"/> does cannot be replayed.</summary>
    /// <exception cref="InvalidOperationException">A capture is recording on this thread.</exception>
    public static void Refuse(string what, string why)
    {
        if (Current is not null) throw new InvalidOperationException($"{what} inside StepPlan.Capture: {why}");
    }

    /// <summary>Why reading values out of a tensor inside a captured step is refused.</summary>
    public const string ReadRefusal =
        "a value read into C# is read once, at capture, but replay does not run C# code again, so any branch or number computed from it would be frozen. " +
        "Read values after plan.Run() instead: every tensor the step produced is updated in place by each run (keep a reference to the ones you need).";

    // Replays of the in-place writes and creation functions of Tensor: each re-establishes the
    // contents the eager step would produce at that point.

    /// <summary>Replays a zero-filled creation: the buffer is cleared again.</summary>
    public void Clear(Tensor t) => Add(() =>
    {
        if (t.DType == DType.Float32) t.SpanF.Clear(); else t.SpanD.Clear();
    });

    /// <summary>Replays a constant creation from a snapshot of its contents.</summary>
    public void Constant(Tensor t)
    {
        if (t.DType == DType.Float32)
        {
            var snapshot = t.SpanF.ToArray();
            Add(() => snapshot.CopyTo(t.SpanF));
        }
        else
        {
            var snapshot = t.SpanD.ToArray();
            Add(() => snapshot.CopyTo(t.SpanD));
        }
    }

    /// <summary>Replays <c>target ← source</c> (same shape and dtype), bumping the target's version.</summary>
    public void Copy(Tensor source, Tensor target) => Add(() =>
    {
        target.Storage.Version++;
        if (target.DType == DType.Float32) source.SpanF.CopyTo(target.SpanF); else source.SpanD.CopyTo(target.SpanD);
    }, source, target);

    /// <summary>Replays <c>target ← value</c> everywhere, bumping the version.</summary>
    public void Fill(Tensor target, double value) => Add(() =>
    {
        target.Storage.Version++;
        if (target.DType == DType.Float32) target.SpanF.Fill((float)value); else target.SpanD.Fill(value);
    }, target);

    /// <summary>Replays <c>target[flat] ← value</c>, bumping the version.</summary>
    public void Set(Tensor target, int flat, double value) => Add(() =>
    {
        target.Storage.Version++;
        target.SetFlat(flat, value);
    }, target);
}
