using AutoGrad.Autograd;

namespace AutoGrad.Memory;

/// <summary>
/// A scope around one training step whose op results are recycled when it ends: the tensor
/// handles ops return inside it, their buffers (forward activations, backward gradients,
/// temporaries), the tape's nodes and the small arrays ops keep (shapes, axes, index copies) go back
/// to the scope, so steady-state steps reuse them instead of allocating: an eager step of the
/// standard MLP allocates nothing. Tensors created with the creation functions
/// (<c>Tensor.Zeros</c>, <c>From</c>, <c>Clone</c>, ...), parameters, their <c>.Grad</c> and
/// optimizer state are never recycled.
/// </summary>
/// <remarks>
/// <para>Read what you need (<c>loss.Item()</c>) or <c>Clone()</c> it before the scope ends: an op
/// result used after its scope ended throws an <see cref="ObjectDisposedException"/> rather than
/// reading another step's data. The next scope on the same thread hands the same handles out
/// again, in the same order, as its own results, so do not keep op results (or their
/// <c>GradFn</c>) from one step to the next; a handle is dead from the end of its scope until
/// then. Scopes are per thread and nest; do not await inside one.</para>
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

    // What the scope hands out, by position: a step that runs the same ops as the last one gets
    // the same objects back in the same order (a handle of the same role, an equal shape array).
    private readonly List<Tensor> _tensors = [];
    private readonly List<Node> _nodes = [];
    private readonly List<int[]> _ints = [];
    private readonly List<int[]> _copies = [];
    private int _tensorCount, _nodeCount, _intCount, _copyCount;
    private StepScope? _parent;
    private Thread? _thread;
    private bool _active;

    private StepScope() { }

    /// <summary>The innermost active scope of this thread, or null.</summary>
    /// <remarks>A static count of live scopes (any thread) lets the usual case skip the thread-static read.</remarks>
    internal static StepScope? Current => s_live == 0 ? null : t_current;

    /// <summary>The scope that recycles op results now: the current one, unless a recorder attached to the launch funnel owns them (a captured step).</summary>
    internal static StepScope? Recycling
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => s_live == 0 ? null : LiveRecycling();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static StepScope? LiveRecycling() => Launch.IsRecording ? null : t_current;

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

    /// <summary>An op result handle with a pooled buffer of <paramref name="shape"/>.</summary>
    internal Tensor Result(int[] shape, DType dtype) => NextTensor(shape, dtype, null, recycle: true);

    /// <summary>A handle on <paramref name="storage"/> (a reshape or detach of an op result).</summary>
    internal Tensor View(int[] shape, DType dtype, Storage storage) => NextTensor(shape, dtype, storage, recycle: false);

    private Tensor NextTensor(int[] shape, DType dtype, Storage? storage, bool recycle)
    {
        Tensor t;
        if (_tensorCount < _tensors.Count) t = _tensors[_tensorCount];
        else _tensors.Add(t = new Tensor([], DType.Float32, Storage.Dead));
        _tensorCount++;
        t.Revive(shape, dtype, storage, recycle);
        return t;
    }

    /// <summary>A node of type <typeparamref name="T"/>: the one at this position last time if it has that type.</summary>
    internal T Node<T>() where T : Node, INodeType<T>
    {
        if (_nodeCount < _nodes.Count)
        {
            if (_nodes[_nodeCount] is T reused)
            {
                _nodeCount++;
                reused.Reset();
                return reused;
            }
            var replaced = T.Create();
            _nodes[_nodeCount++] = replaced;
            return replaced;
        }
        var created = T.Create();
        _nodes.Add(created);
        _nodeCount++;
        return created;
    }

    /// <summary>An array equal to <paramref name="values"/> that nobody may change (a shape, axes): the one at this position last time if it is equal.</summary>
    internal int[] Ints(ReadOnlySpan<int> values)
    {
        if (_intCount < _ints.Count)
        {
            var last = _ints[_intCount];
            if (!last.AsSpan().SequenceEqual(values)) _ints[_intCount] = last = values.ToArray();
            _intCount++;
            return last;
        }
        var created = values.ToArray();
        _ints.Add(created);
        _intCount++;
        return created;
    }

    /// <summary>A copy of <paramref name="values"/> that lives as long as the scope (a node's indices): the array at this position is refilled if its length fits.</summary>
    internal int[] CopyOf(ReadOnlySpan<int> values)
    {
        int[] copy;
        if (_copyCount < _copies.Count && _copies[_copyCount].Length == values.Length) copy = _copies[_copyCount];
        else
        {
            copy = new int[values.Length];
            if (_copyCount < _copies.Count) _copies[_copyCount] = copy; else _copies.Add(copy);
        }
        _copyCount++;
        values.CopyTo(copy);
        return copy;
    }

    /// <summary>Recycles every op result, node and array handed out inside.</summary>
    /// <exception cref="InvalidOperationException">Disposed on another thread, or out of order with a nested scope.</exception>
    public void Dispose()
    {
        if (!_active) return;
        if (_thread != Thread.CurrentThread)
            throw new InvalidOperationException("StepScope: a scope must end on the thread that began it (do not await inside a step scope)");
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("StepScope: scopes must end in reverse order of beginning (an inner scope is still active)");
        for (int i = 0; i < _nodeCount; i++) _nodes[i].Retire();
        for (int i = 0; i < _tensorCount; i++) _tensors[i].Kill();
        _tensorCount = _nodeCount = _intCount = _copyCount = 0;
        _active = false;
        Interlocked.Decrement(ref s_live);
        t_current = _parent;
        _parent = null;
        (t_free ??= new Stack<StepScope>()).Push(this);
    }
}
