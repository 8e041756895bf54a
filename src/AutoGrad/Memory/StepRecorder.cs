namespace AutoGrad.Memory;

/// <summary>
/// The recording side of <see cref="StepPlan"/>: attached to the launch funnel while a step is
/// being captured on this thread, it keeps every launch (kernels and step actions, in execution
/// order) for replay, owns every buffer created meanwhile, binds index spans to registered arrays,
/// and refuses what a replay could not reproduce.
/// </summary>
internal sealed class StepRecorder : ILaunchRecorder
{
    private readonly List<ILaunch> _launches = [];
    private readonly int[][] _indices;
    private readonly HashSet<Storage> _created = new(ReferenceEqualityComparer.Instance);

    private StepRecorder(int[][] indices) => _indices = indices;

    /// <summary>Starts recording on this thread.</summary>
    public static StepRecorder Begin(int[][] indices)
    {
        var recorder = new StepRecorder(indices);
        Launch.Attach(recorder);
        return recorder;
    }

    /// <summary>Stops recording on this thread.</summary>
    public void End() => Launch.Detach();

    /// <summary>The launches to replay, in execution order.</summary>
    public ILaunch[] Launches => [.. _launches];

    /// <summary>The buffers created while recording (op results and tensors created by the step).</summary>
    public Storage[] CreatedStorages => [.. _created];

    public void Record(ILaunch launch) => _launches.Add(launch);

    public void Created(Storage storage) => _created.Add(storage);

    public bool IsCreated(Storage storage) => _created.Contains(storage);

    /// <summary>Refuses a tensor whose buffer a step scope recycles: replay would read freed memory.</summary>
    public void Reads(Tensor? t)
    {
        if (t is not null && t.Storage.IsPooled)
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
    public unsafe ReadOnlyMemory<int> BindIndices(string op, ReadOnlySpan<int> index)
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

    /// <summary>Throws: what <paramref name="what"/> does cannot be replayed.</summary>
    public void Refuse(string what, string why) => throw new InvalidOperationException($"{what} inside StepPlan.Capture: {why}");
}
