namespace AutoGrad.Memory;

/// <summary>
/// A fixed-shape training step captured once and replayed with no managed allocation: like a CUDA
/// graph, or a minimal trace compiler. <see cref="Capture"/> runs the step once (a real step, with
/// all its effects) while recording every kernel execution — forward ops, the ops that backward
/// rules run, gradient accumulation into leaves, the optimizer's update, zero-grad, dropout masks —
/// as a list of actions bound to the same buffers. <see cref="Run"/> replays that list: the same
/// computation on the current contents of the same tensors, bit for bit what the eager step would
/// compute, with no tensor, node or closure created.
/// </summary>
/// <remarks>
/// <para><b>What replay reads live</b> (its current value at each run): the contents of every
/// tensor the step read (parameters, their gradients, optimizer state, the batch tensor, constants
/// created outside), the registered index arrays (see below), the arrays passed to
/// <c>Tensor.FromArray</c> inside the step, generators (dropout masks and <c>Tensor.Randn</c>-style
/// draws inside the step are drawn again, in the same order as eagerly), and the state of objects
/// whose step actions are replayed by calling their code again: <c>Optimizer.Step</c> (so learning
/// rate changes and schedules apply), <c>ZeroGrad</c>, <c>LRScheduler.Step</c>, gradient clipping.</para>
/// <para><b>What is frozen at capture</b>: everything else the step's C# code decided, because
/// replay does not run it again — which ops run (branches, loops), shapes, axes, scalar arguments
/// (<c>x * 0.5</c>), and which tensor and array objects are used. Feed a new batch by writing it into
/// the same tensor and label array (a <c>DataLoader</c> does exactly that: its batch tensor and label
/// array are reused), never by assigning new objects to the variables the step reads. Every tensor
/// the step produces is the same object after each run, holding that run's values: keep a reference
/// (e.g. to the logits) to read it after <see cref="Run"/>.</para>
/// <para><b>Index arrays.</b> Ops that take integer indices as a span (<c>Gather</c>,
/// <c>ScatterAdd</c>, <c>IndexSelect</c>, <c>IndexAdd</c>, <c>OneHot</c>, and the losses that take
/// labels, such as <c>Loss.SoftmaxCrossEntropy(logits, labels)</c>) copy them when they run eagerly.
/// Inside a capture every index span must lie inside one of the arrays passed as
/// <c>indices</c> to <see cref="Capture"/>; replay then reads the same range of that
/// array, validating each index again, so refilling the array in place feeds new labels. An index
/// span that lies in no registered array is refused at capture (its values would silently be
/// frozen); register constant index arrays the same way.</para>
/// <para><b>Refused</b> (an <see cref="InvalidOperationException"/> naming the call and the
/// fix): reading values into C# inside the step (<c>Item()</c>, <c>ToFloatArray()</c>,
/// <c>ToDoubleArray()</c>, <c>AsSpan()</c>, the indexer's get, <c>ArgMax</c>), drawing from a
/// <see cref="Generator"/> directly, unregistered index spans, reading a tensor that a
/// <see cref="StepScope"/> outside the capture will recycle, <c>Backward(createGraph: true)</c>,
/// accumulating a gradient into a leaf created inside the step, nesting captures, running a plan
/// inside a capture or from two threads at once, anomaly detection, and (at replay) a
/// <c>Dropout</c> module whose training mode or fixed mask changed since capture. The step must run
/// its ops on the capturing thread.</para>
/// <para><b>Memory.</b> Op results created during capture are allocated for good and owned by the
/// plan (they are not taken from a step scope's pool): a plan holds one step's activations and
/// gradients, about what one eager step uses at its peak.</para>
/// <code>
/// Tensor TrainStep(Tensor x, int[] y)
/// {
///     optimizer.ZeroGrad();
///     var loss = Loss.SoftmaxCrossEntropy(model.Forward(x), y);
///     loss.Backward();
///     optimizer.Step();
///     return loss;
/// }
/// StepPlan? plan = null;
/// Tensor? planX = null;
/// foreach (var (x, y) in loader)                  // a DataLoader refills the same x and y in place
/// {
///     if (plan is null) (plan, planX) = (StepPlan.Capture(() =&gt; TrainStep(x, y), y), x);  // y: read live
///     else if (ReferenceEquals(x, planX)) total += plan.Run().Item();      // no allocation
///     else { using var scope = StepScope.Begin(); TrainStep(x, y); }      // the smaller last batch
/// }
/// </code>
/// </remarks>
public sealed class StepPlan
{
    private readonly Action[] _actions;
    private readonly Storage[] _owned;
    private int _running;

    private StepPlan(Action[] actions, Storage[] owned, Tensor output)
    {
        _actions = actions;
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
        if (StepTrace.Current is not null)
            throw new InvalidOperationException("StepPlan.Capture: a step is already being captured on this thread; captures do not nest");
        if (Debugging.Anomaly.Current != Debugging.AnomalyChecks.None)
            throw new InvalidOperationException("StepPlan.Capture: anomaly detection is on; it checks ops as they are recorded, and a replay records nothing. Capture outside Anomaly.Detect().");
        var trace = StepTrace.Begin([.. indices]);
        Tensor? output;
        try { output = step(); }
        finally { trace.End(); }
        if (output is null)
            throw new InvalidOperationException("StepPlan.Capture: the step returned null; return the tensor to read after each run (usually the loss)");
        trace.Reads(output);
        return new StepPlan(trace.Actions, trace.OwnedStorages, output);
    }

    /// <summary>The tensor the step returned; <see cref="Run"/> updates its values in place.</summary>
    public Tensor Output { get; }

    /// <summary>Number of recorded actions (kernels and step actions) one run executes.</summary>
    public int ActionCount => _actions.Length;

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
        if (StepTrace.Current is not null)
            throw new InvalidOperationException("StepPlan.Run inside StepPlan.Capture: a replayed step cannot be recorded into another plan; capture the step itself instead");
        if (Debugging.Anomaly.Current != Debugging.AnomalyChecks.None)
            throw new InvalidOperationException("StepPlan.Run: anomaly detection is on, but a replay records no ops for it to check; run the step eagerly inside Anomaly.Detect()");
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("StepPlan.Run: the plan is already running (on another thread, or re-entered from the step); its buffers serve one run at a time");
        try
        {
            // Every buffer the plan owns is rewritten: a graph recorded elsewhere that saved one must notice.
            foreach (var s in _owned) s.Version++;
            foreach (var action in _actions) action();
            RunCount++;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
        return Output;
    }
}
