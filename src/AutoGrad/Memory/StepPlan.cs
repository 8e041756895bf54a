namespace AutoGrad.Memory;

/// <summary>
/// A fixed-shape training step captured once and replayed with no managed allocation, like a CUDA
/// graph: <see cref="Capture"/> runs the step once (a real step, with all its effects) while a
/// recorder attached to the launch funnel keeps every launch — forward kernels, the kernels of
/// backward rules, gradient accumulation, the optimizer's update, zero-grad, dropout masks — bound
/// to the same buffers; <see cref="Run"/> runs them again on the current contents of those buffers,
/// bit for bit what the eager step would compute.
/// </summary>
/// <remarks>
/// Replay reads live the contents of every tensor the step read, the registered index arrays
/// (refill them in place, as a <c>DataLoader</c> does) and the generators; it freezes what the
/// step's C# code decided (which ops, shapes, scalars, which objects). What a replay could not
/// reproduce is refused with an error naming the call (reading values into C#, unregistered index
/// spans, <c>Backward(createGraph: true)</c>, anomaly mode, ...). The full contract, an example and
/// the measurements: docs/performance.md, "Captured steps: zero allocation".
/// </remarks>
public sealed class StepPlan
{
    private readonly ILaunch[] _launches;
    private readonly Storage[] _owned;
    private int _running;

    private StepPlan(ILaunch[] launches, Storage[] owned, Tensor output)
    {
        _launches = launches;
        _owned = owned;
        Output = output;
    }

    /// <summary>
    /// Runs <paramref name="step"/> once, eagerly and with all its effects, recording it for
    /// <see cref="Run"/>. The step returns the tensor to read after each run (usually the loss).
    /// </summary>
    /// <param name="step">One training step of fixed shape, e.g. zero grad, forward, loss, backward, optimizer step.</param>
    /// <param name="indices">
    /// The integer arrays the step passes (whole or sliced) as indices or labels; replay reads their
    /// current contents. Refill them in place between runs.
    /// </param>
    /// <exception cref="ArgumentNullException">The step, the list or one of its arrays is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// The step did something a replay could not reproduce (see the remarks of <see cref="StepPlan"/>),
    /// returned null, a capture is already in progress on this thread, or anomaly detection is on.
    /// The step's effects up to that point have happened, as with any exception in a step.
    /// </exception>
    public static StepPlan Capture(Func<Tensor> step, params int[][] indices)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(indices);
        for (int i = 0; i < indices.Length; i++)
            if (indices[i] is null) throw new ArgumentNullException(nameof(indices), $"StepPlan.Capture: index array {i} is null");
        if (Launch.IsRecording)
            throw new InvalidOperationException("StepPlan.Capture: a step is already being captured on this thread; captures do not nest");
        if (Autograd.Tape.Observer is not null)
            throw new InvalidOperationException("StepPlan.Capture: anomaly detection is on; it checks ops as they are recorded, and a replay records nothing. Capture outside Anomaly.Detect().");
        var recorder = StepRecorder.Begin([.. indices]);
        Tensor? output;
        try { output = step(); }
        finally { recorder.End(); }
        if (output is null)
            throw new InvalidOperationException("StepPlan.Capture: the step returned null; return the tensor to read after each run (usually the loss)");
        recorder.Reads(output);
        return new StepPlan(recorder.Launches, recorder.CreatedStorages, output);
    }

    /// <summary>The tensor the step returned; <see cref="Run"/> updates its values in place.</summary>
    public Tensor Output { get; }

    /// <summary>Number of recorded launches (kernels and step actions) one run executes.</summary>
    public int ActionCount => _launches.Length;

    /// <summary>Number of completed <see cref="Run"/> calls (the capture itself not counted).</summary>
    public long RunCount { get; private set; }

    /// <summary>Bytes of tensor memory the plan owns (the results of the captured step's ops and the tensors it created).</summary>
    public long OwnedBytes
    {
        get
        {
            long bytes = 0;
            foreach (var s in _owned) bytes += s.F is not null ? s.F.LongLength * sizeof(float) : (s.D?.LongLength ?? 0) * sizeof(double);
            return bytes;
        }
    }

    /// <summary>
    /// Replays the captured step on the current contents of its inputs and returns
    /// <see cref="Output"/> (the same object each time, with this run's values). Allocates nothing.
    /// If an action throws (e.g. a registered label is out of range), the run stops there, as an
    /// eager step would.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Called inside a capture, while anomaly detection is on, while the plan is already running, or
    /// a replayed check failed (e.g. a dropout module's mode changed since capture).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A registered index array holds an index out of range for its op.</exception>
    public Tensor Run()
    {
        if (Launch.IsRecording)
            throw new InvalidOperationException("StepPlan.Run inside StepPlan.Capture: a replayed step cannot be recorded into another plan; capture the step itself instead");
        if (Autograd.Tape.Observer is not null)
            throw new InvalidOperationException("StepPlan.Run: anomaly detection is on, but a replay records no ops for it to check; run the step eagerly inside Anomaly.Detect()");
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("StepPlan.Run: the plan is already running (on another thread, or re-entered from the step); its buffers serve one run at a time");
        try
        {
            // Every buffer the plan owns is rewritten: a graph recorded elsewhere that saved one must notice.
            foreach (var s in _owned) s.Version++;
            foreach (var launch in _launches) launch.Run();
            RunCount++;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
        return Output;
    }
}
