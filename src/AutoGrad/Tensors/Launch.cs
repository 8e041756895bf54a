using System.Runtime.CompilerServices;

namespace AutoGrad;

/// <summary>
/// The one path by which work on tensor buffers runs: every kernel an op executes (forward, or
/// inside a backward rule), every in-place write, every creation's fill, and the step actions of
/// the toolkit (an optimizer's update, zero-grad, gradient accumulation, a dropout mask draw) are
/// a launch passed to <see cref="Run{L}(ref L, Tensor?, Tensor?, Tensor?)"/>.
/// </summary>
/// <remarks>
/// With no recorder attached (always, except while <c>StepPlan.Capture</c> runs a step on this
/// thread) a launch costs one read of a static field and a direct, inlined call of its
/// <see cref="ILaunch.Run"/>: launches are structs, so the eager path allocates nothing. With a
/// recorder, the funnel runs the launch with recording suspended (what it does inside is neither
/// recorded nor refused) and hands a boxed copy to the recorder, which replays it later.
/// Nothing outside this file and the recorder knows that a capture exists: an op, module, loss
/// or optimizer only launches.
/// </remarks>
internal static class Launch
{
    private static int s_recorders;
    [ThreadStatic] private static ILaunchRecorder? t_recorder;

    /// <summary>The recorder of this thread, or null (also while a recorded launch runs for the first time).</summary>
    public static ILaunchRecorder? Recorder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_recorders == 0 ? null : t_recorder;
    }

    /// <summary>True while a recorder is attached on this thread: op results then belong to it, not to a step scope's pool.</summary>
    public static bool IsRecording => Recorder is not null;

    /// <summary>Attaches <paramref name="recorder"/> to this thread until <see cref="Detach"/>.</summary>
    public static void Attach(ILaunchRecorder recorder)
    {
        Interlocked.Increment(ref s_recorders);
        t_recorder = recorder;
    }

    /// <summary>Detaches this thread's recorder.</summary>
    public static void Detach()
    {
        t_recorder = null;
        Interlocked.Decrement(ref s_recorders);
    }

    /// <summary>Runs <paramref name="launch"/>; the tensors it reads are named so a recorder can check they outlive the recording.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<L>(L launch, Tensor? read0 = null, Tensor? read1 = null, Tensor? read2 = null) where L : struct, ILaunch
    {
        var r = Recorder;
        if (r is null) launch.Run();
        else Recorded(r, ref launch, read0, read1, read2);
    }

    /// <summary>Runs <paramref name="launch"/> in place, so a result it stores in its own fields (a clipped norm) is visible to the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<L>(ref L launch, Tensor? read0 = null, Tensor? read1 = null, Tensor? read2 = null) where L : struct, ILaunch
    {
        var r = Recorder;
        if (r is null) launch.Run();
        else Recorded(r, ref launch, read0, read1, read2);
    }

    /// <summary>
    /// Records <paramref name="launch"/> without running it: its effect was produced another way
    /// this time (a buffer that was allocated zero-filled), but a replay must produce it again.
    /// </summary>
    public static void RecordOnly<L>(L launch) where L : struct, ILaunch => Recorder?.Record(launch);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Recorded<L>(ILaunchRecorder r, ref L launch, Tensor? read0, Tensor? read1, Tensor? read2) where L : struct, ILaunch
    {
        r.Reads(read0);
        r.Reads(read1);
        r.Reads(read2);
        ILaunch replay = launch is IRecordedLaunch special ? special.ForReplay(r) : launch;
        t_recorder = null;
        try { launch.Run(); }
        finally { t_recorder = r; }
        r.Record(replay);
    }

    /// <summary>
    /// Runs a kernel that takes integer indices from the host (gather, scatter, one-hot). Eagerly
    /// the indices are the caller's span; with a recorder they must lie in an array registered with
    /// it, whose live range is returned (and read again, and validated again, at each replay);
    /// otherwise the result is empty.
    /// </summary>
    public static ReadOnlyMemory<int> RunIndexed<L>(string op, L launch, ReadOnlySpan<int> index, Tensor? read0 = null) where L : struct, IIndexedLaunch
    {
        var r = Recorder;
        if (r is null)
        {
            launch.Run(index);
            return default;
        }
        var live = r.BindIndices(op, index);
        Run(new IndexedReplay<L>(launch, live), read0);
        return live;
    }

    private readonly struct IndexedReplay<L>(L launch, ReadOnlyMemory<int> index) : ILaunch where L : struct, IIndexedLaunch
    {
        public void Run()
        {
            var idx = index.Span;
            launch.Validate(idx);
            launch.Run(idx);
        }
    }

    /// <summary>
    /// Notes a buffer that was created for good (a creation function, a gradient), so a recorder
    /// owns it and <see cref="IsCreatedByRecorder"/> knows it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Created(Storage storage)
    {
        if (s_recorders != 0) t_recorder?.Created(storage);
    }

    /// <summary>True when a recorder is attached and created the tensor's buffer.</summary>
    public static bool IsCreatedByRecorder(Tensor t) => Recorder is { } r && r.IsCreated(t.Storage);

    /// <summary>
    /// Declares C# code outside the funnel (reading values into C#, drawing from a generator
    /// directly): a recorder refuses it, since a replay would not run that code again.
    /// </summary>
    /// <exception cref="InvalidOperationException">A recorder is attached on this thread.</exception>
    public static void HostCode(string what, string why) => Recorder?.Refuse(what, why);

    /// <summary>Why reading values out of a tensor cannot be recorded.</summary>
    public const string ReadRefusal =
        "a value read into C# is read once, at capture, but replay does not run C# code again, so any branch or number computed from it would be frozen. " +
        "Read values after plan.Run() instead: every tensor the step produced is updated in place by each run (keep a reference to the ones you need).";
}

/// <summary>
/// One unit of work for <see cref="Launch"/>: a kernel bound to its input and output tensors, or a
/// step action bound to its object. A struct, so the eager path neither allocates nor dispatches
/// virtually; a recorder keeps a boxed copy and calls <see cref="Run"/> again at each replay,
/// which must then do exactly what the eager step would do at that point.
/// </summary>
internal interface ILaunch
{
    /// <summary>Does the work.</summary>
    void Run();
}

/// <summary>A launch whose replay differs from running it again as it is (precomputed strides, a refusal).</summary>
internal interface IRecordedLaunch : ILaunch
{
    /// <summary>What a recorder keeps for replay; called before the launch first runs, so throwing refuses it with no effect.</summary>
    ILaunch ForReplay(ILaunchRecorder recorder);
}

/// <summary>A kernel reading integer indices from the host, validated again at each replay.</summary>
internal interface IIndexedLaunch
{
    /// <summary>Throws if an index is out of range for the kernel.</summary>
    void Validate(ReadOnlySpan<int> index);

    /// <summary>Runs the kernel with these indices.</summary>
    void Run(ReadOnlySpan<int> index);
}

/// <summary>
/// What the funnel reports to while a step is being captured: implemented by <c>StepPlan</c>'s
/// recorder, the only one.
/// </summary>
internal interface ILaunchRecorder
{
    /// <summary>Keeps a launch for replay (boxed: capture allocates, replay does not).</summary>
    void Record(ILaunch launch);

    /// <summary>Refuses a tensor the recording could not read at replay (its buffer is recycled by a step scope).</summary>
    void Reads(Tensor? t);

    /// <summary>Notes a buffer created while recording.</summary>
    void Created(Storage storage);

    /// <summary>True when the buffer was created while recording.</summary>
    bool IsCreated(Storage storage);

    /// <summary>The registered host array range that <paramref name="index"/> lies in; throws if there is none.</summary>
    ReadOnlyMemory<int> BindIndices(string op, ReadOnlySpan<int> index);

    /// <summary>Throws: <paramref name="what"/> cannot be replayed, because of <paramref name="why"/>.</summary>
    void Refuse(string what, string why);
}
