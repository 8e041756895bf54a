namespace AutoGrad.Memory;

/// <summary>
/// A scope around one training step whose op results are recycled when it ends: the memory of
/// every tensor an op produces inside it (forward activations, backward gradients, temporaries)
/// goes back to a per-thread pool, so steady-state steps reuse the same buffers instead of
/// allocating them. Tensors created with the creation functions (<c>Tensor.Zeros</c>, <c>From</c>,
/// <c>Clone</c>, ...), parameters, their <c>.Grad</c> and optimizer state are never recycled.
/// </summary>
/// <remarks>
/// Read what you need (<c>loss.Item()</c>) or <c>Clone()</c> it before the scope ends: using a
/// recycled tensor afterwards throws an <see cref="ObjectDisposedException"/> rather than reading
/// another step's data. Scopes are per thread and nest; do not await inside one.
/// <code>
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using var scope = StepScope.Begin();
///     var loss = Loss.CrossEntropy(model.Forward(x), y);
///     loss.Backward();
///     optimizer.Step();
///     total += loss.Item();
/// }
/// </code>
/// </remarks>
public sealed class StepScope : IDisposable
{
    [ThreadStatic] private static StepScope? t_current;
    [ThreadStatic] private static Stack<StepScope>? t_free;

    private readonly List<Storage> _storages = [];
    private StepScope? _parent;
    private Thread? _thread;
    private bool _active;

    private StepScope() { }

    /// <summary>The innermost active scope of this thread, or null.</summary>
    /// <remarks>A static count of live scopes (any thread) lets the usual case skip the thread-static read.</remarks>
    internal static StepScope? Current => s_live == 0 ? null : t_current;

    private static int s_live;

    /// <summary>Starts a scope on this thread; dispose it to recycle what ops produced inside.</summary>
    public static StepScope Begin()
    {
        var free = t_free ??= new Stack<StepScope>();
        var scope = free.Count > 0 ? free.Pop() : new StepScope();
        scope._parent = t_current;
        scope._thread = Thread.CurrentThread;
        scope._active = true;
        Interlocked.Increment(ref s_live);
        t_current = scope;
        return scope;
    }

    internal void Track(Storage s) => _storages.Add(s);

    /// <summary>Returns the memory of every op result produced inside to the pool.</summary>
    /// <exception cref="InvalidOperationException">Disposed on another thread, or out of order with a nested scope.</exception>
    public void Dispose()
    {
        if (!_active) return;
        if (_thread != Thread.CurrentThread)
            throw new InvalidOperationException("StepScope: a scope must end on the thread that began it (do not await inside a step scope)");
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("StepScope: scopes must end in reverse order of beginning (an inner scope is still active)");
        foreach (var s in _storages) s.Release();
        _storages.Clear();
        _active = false;
        Interlocked.Decrement(ref s_live);
        t_current = _parent;
        _parent = null;
        (t_free ??= new Stack<StepScope>()).Push(this);
    }
}
