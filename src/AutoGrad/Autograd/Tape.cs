using System.Numerics.Tensors;

namespace AutoGrad.Autograd;

/// <summary>
/// The tape: every op on tensors that require grad records a <see cref="Node"/> linked to its
/// inputs, numbered in execution order. <see cref="Backward"/> collects the nodes that lead to a
/// tensor, walks them in reverse execution order (a loop, never recursion) and accumulates into
/// <see cref="Tensor.Grad"/> of the leaves. Nothing is global but a sequence counter: each graph
/// belongs to the tensors that hold it, so threads and async flows never see each other's ops.
/// The no-grad and enable-grad scopes flow with async/await (they live in an AsyncLocal).
/// </summary>
public static class Tape
{
    private static readonly AsyncLocal<object?> s_mode = new();
    private static readonly object s_disabled = new();
    private static readonly object s_enabled = new();
    private static int s_activeScopes;
    [ThreadStatic] private static int t_backwardMode; // 0: follow scopes; 1: off; 2: on (create-graph)
    private static int s_inBackward; // backward passes running on any thread: zero lets IsRecording skip the thread-static read
    private static int s_epoch;
    private static readonly AsyncLocal<ITapeObserver?> s_observer = new();
    private static int s_observerScopes;

    /// <summary>The observer attached in this async flow (anomaly mode), or null; one static read when none is attached anywhere.</summary>
    internal static ITapeObserver? Observer
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref s_observerScopes) == 0 ? null : s_observer.Value;
    }

    /// <summary>
    /// Attaches <paramref name="observer"/> (null: none) to what this async flow records and
    /// differentiates, until the returned scope is disposed; scopes nest and flow with await.
    /// </summary>
    internal static IDisposable Attach(ITapeObserver? observer) => new ObserverScope(observer);

    private sealed class ObserverScope : IDisposable
    {
        private readonly ITapeObserver? _previous;
        private bool _disposed;

        public ObserverScope(ITapeObserver? observer)
        {
            _previous = s_observer.Value;
            Interlocked.Increment(ref s_observerScopes);
            s_observer.Value = observer;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_observer.Value = _previous;
            Interlocked.Decrement(ref s_observerScopes);
        }
    }

    /// <summary>True when ops on tensors that require grad are recorded (not inside <see cref="NoGrad"/>).</summary>
    public static bool IsRecording
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => (Volatile.Read(ref s_inBackward) | Volatile.Read(ref s_activeScopes)) == 0 || IsRecordingSlow();
    }

    private static bool IsRecordingSlow()
    {
        if (Volatile.Read(ref s_inBackward) != 0)
        {
            int b = t_backwardMode;
            if (b != 0) return b == 2;
        }
        if (Volatile.Read(ref s_activeScopes) == 0) return true;
        return s_mode.Value != s_disabled;
    }

    /// <summary>
    /// A scope in which nothing is recorded (evaluation, optimizer updates). Dispose it to restore
    /// the previous mode: <c>using (Tape.NoGrad()) { ... }</c>. Flows across await.
    /// </summary>
    public static IDisposable NoGrad() => new ModeScope(s_disabled);

    /// <summary>A scope that turns recording back on inside a <see cref="NoGrad"/> scope.</summary>
    public static IDisposable EnableGrad() => new ModeScope(s_enabled);

    private sealed class ModeScope : IDisposable
    {
        private readonly object? _previous;
        private bool _disposed;

        public ModeScope(object mode)
        {
            _previous = s_mode.Value;
            Interlocked.Increment(ref s_activeScopes);
            s_mode.Value = mode;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_mode.Value = _previous;
            Interlocked.Decrement(ref s_activeScopes);
        }
    }

    /// <summary>
    /// Backpropagates from <paramref name="root"/>: adds d(root)/d(leaf), contracted with the seed
    /// gradient, into <see cref="Tensor.Grad"/> of every leaf that requires grad.
    /// </summary>
    /// <param name="root">The tensor to differentiate, usually a scalar loss.</param>
    /// <param name="seed">d(objective)/d(root); defaults to 1 for a one-element root, required otherwise.</param>
    /// <param name="retainGraph">Keep the saved tensors so the graph can be backpropagated again.</param>
    /// <param name="createGraph">Record the backward pass itself, so the gradients have a graph (higher-order derivatives). Implies retainGraph.</param>
    /// <exception cref="AutogradException">The root has no graph, a non-scalar root has no seed, the graph was freed by an earlier backward, or a saved tensor was modified in place.</exception>
    /// <exception cref="ArgumentException">The seed's shape or dtype differs from the root's.</exception>
    public static void Backward(Tensor root, Tensor? seed = null, bool retainGraph = false, bool createGraph = false) =>
        Run(root, seed, retainGraph, createGraph, Observer?.Backward, writeLeaves: true);

    /// <summary>
    /// The gradients of <paramref name="output"/> with respect to <paramref name="inputs"/> —
    /// leaves or intermediate tensors of its graph — returned instead of accumulated into
    /// <see cref="Tensor.Grad"/> (like <c>torch.autograd.grad</c>). An input with no path to the
    /// output gets zeros. With <paramref name="createGraph"/> the gradients have a graph of their
    /// own and can be differentiated again.
    /// </summary>
    /// <exception cref="AutogradException">As for <see cref="Backward"/>.</exception>
    public static Tensor[] Gradients(Tensor output, IReadOnlyList<Tensor> inputs, Tensor? seed = null, bool retainGraph = false, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var result = new Tensor?[inputs.Count];
        Run(output, seed, retainGraph, createGraph, Observer?.Backward, writeLeaves: false, inputs, result);
        var grads = new Tensor[inputs.Count];
        for (int i = 0; i < grads.Length; i++) grads[i] = result[i] ?? Tensor.ZerosLike(inputs[i]);
        return grads;
    }

    /// <summary>
    /// A retained backward from <paramref name="root"/> that reports every node's incoming and
    /// produced gradients to <paramref name="observer"/> and writes no <see cref="Tensor.Grad"/>:
    /// how Explain and the DOT export see the chain rule without side effects.
    /// </summary>
    internal static void Observe(Tensor root, Tensor? seed, IBackwardObserver observer) =>
        Run(root, seed, retainGraph: true, createGraph: false, observer, writeLeaves: false);

    private static void Run(Tensor root, Tensor? seed, bool retainGraph, bool createGraph, IBackwardObserver? observer, bool writeLeaves,
        IReadOnlyList<Tensor>? wrt = null, Tensor?[]? wrtGrads = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (ReferenceEquals(root.Storage, Storage.Dead)) throw Storage.ReleasedError();
        if (createGraph && writeLeaves)
            Launch.HostCode("Backward(createGraph: true)",
                "the gradients it writes into .Grad are new graph tensors whose bookkeeping depends on the previous step, which a replay cannot reproduce. " +
                "Use Tape.Gradients(..., createGraph: true) for the inner derivative, or run this step eagerly.");
        seed = ValidateSeed(root, seed);
        if (createGraph) retainGraph = true;
        if (root.GradFn is not { } rootNode)
        {
            if (!root.RequiresGrad)
                throw new AutogradException(
                    $"backward: the tensor ({Node.Describe(root)}) does not require grad and has no graph; was it computed under NoGrad, or from inputs none of which has RequiresGrad = true?");
            if (wrt is not null) Capture(wrt, wrtGrads!, root, seed);
            else if (writeLeaves) AccumulateLeaf(root, seed, createGraph);
            return;
        }

        // The outermost backward on a thread reuses its working lists; a backward started from
        // inside a custom op's backward gets its own.
        var work = t_depth == 0 ? (t_work ??= new WorkLists()) : new WorkLists();
        t_depth++;
        var order = work.Order;
        var leaves = work.Leaves;
        var gradBuffers = work.GradBuffers;
        int saved = t_backwardMode;
        Interlocked.Increment(ref s_inBackward);
        try
        {
            CollectNodes(rootNode, order, work.Stack);
            t_backwardMode = createGraph ? 2 : 1;
            rootNode.PendingGrad = seed;
            rootNode.PendingGradOwned = false;
            for (int k = 0; k < order.Count; k++)
            {
                var node = order[k];
                var g = node.PendingGrad;
                node.PendingGrad = null;
                if (g is null) continue;
                // Every contribution to a node's output has arrived by now (reverse execution order).
                if (wrt is not null) CaptureOutputOf(wrt, wrtGrads!, node, g);
                RunNode(node, g, leaves, createGraph, gradBuffers, observer);
            }
            if (wrt is not null)
                foreach (var (leaf, grad) in leaves) Capture(wrt, wrtGrads!, leaf, grad);
        }
        catch
        {
            t_backwardMode = saved;
            Interlocked.Decrement(ref s_inBackward);
            for (int k = 0; k < order.Count; k++) order[k].PendingGrad = null;
            work.Clear();
            t_depth--;
            throw;
        }
        t_backwardMode = saved;
        Interlocked.Decrement(ref s_inBackward);
        try
        {
            // Leaves are written only after every node succeeded, so a failed backward leaves .Grad untouched.
            if (writeLeaves)
                foreach (var (leaf, grad) in leaves) AccumulateLeaf(leaf, grad, createGraph);
            if (!retainGraph)
                for (int k = 0; k < order.Count; k++) order[k].Free();
        }
        finally
        {
            work.Clear();
            t_depth--;
        }
    }

    private static void Capture(IReadOnlyList<Tensor> wrt, Tensor?[] grads, Tensor t, Tensor g)
    {
        for (int i = 0; i < wrt.Count; i++)
            if (ReferenceEquals(wrt[i], t)) grads[i] = grads[i] is null ? g : GradientSumNode.Apply(grads[i]!, g);
    }

    private static void CaptureOutputOf(IReadOnlyList<Tensor> wrt, Tensor?[] grads, Node node, Tensor g)
    {
        for (int i = 0; i < wrt.Count; i++)
            if (ReferenceEquals(wrt[i].Producer, node)) grads[i] = g;
    }

    [ThreadStatic] private static int t_depth;
    [ThreadStatic] private static WorkLists? t_work;

    /// <summary>A backward pass's working lists: the nodes in reverse execution order, the leaf gradients, gradient arrays by arity.</summary>
    private sealed class WorkLists
    {
        public readonly NodeList Order = new();
        public readonly NodeList Stack = new();
        public readonly List<(Tensor Leaf, Tensor Grad)> Leaves = [];
        public readonly Tensor?[][] GradBuffers = new Tensor?[4][];

        public void Clear()
        {
            Order.Clear();
            Stack.Clear();
            Leaves.Clear();
            foreach (var g in GradBuffers) if (g is not null) Array.Clear(g);
        }
    }

    private static Tensor ValidateSeed(Tensor root, Tensor? seed)
    {
        if (seed is null)
        {
            if (root.Numel != 1)
                throw new AutogradException(
                    $"backward: the output has shape {Shapes.Format(root.ShapeArray)} ({root.Numel} elements); backward without a seed gradient needs a one-element output. Reduce it first (e.g. .Sum() or .Mean()) or pass a seed of shape {Shapes.Format(root.ShapeArray)}.");
            // An op result, not a creation: inside a step scope the seed is recycled with the step.
            var one = Tensor.Empty(root.ShapeArray, root.DType);
            one.Fill(1);
            return one;
        }
        Guard.SameDType("backward (seed)", root, seed);
        Guard.SameShape("backward (seed)", root, seed);
        return seed;
    }

    private static void CollectNodes(Node start, NodeList order, NodeList stack)
    {
        stack.Clear();
        int epoch = Interlocked.Increment(ref s_epoch);
        start.VisitEpoch = epoch;
        stack.Add(start);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            order.Add(n);
            for (int i = 0; i < n.InputCount; i++)
            {
                var p = n.Input(i).Producer;
                if (p is not null && p.VisitEpoch != epoch)
                {
                    p.VisitEpoch = epoch;
                    stack.Add(p);
                }
            }
        }
        // A chain is found already in reverse execution order; sort only when it is not.
        order.SortNewestFirst();
    }

    private static void RunNode(Node node, Tensor g, List<(Tensor, Tensor)> leaves, bool createGraph, Tensor?[][] gradBuffers, IBackwardObserver? observer)
    {
        if (node.IsFreed)
            throw new AutogradException(
                $"backward: the graph through '{node.Name}' (recorded at {node.Site}) was already freed by an earlier Backward(). Pass retainGraph: true to the first Backward if you need to backpropagate through it again.");
        if (createGraph && !node.IsBackwardDifferentiable)
            throw new AutogradException(
                $"backward: '{node.Name}' (recorded at {node.Site}) has a backward rule that is not differentiable, so a higher-order derivative through it cannot be computed (createGraph: true).");
        bool dual = ForwardMode.AnyOpen && CarriesTangent(node, g);
        if (dual && !node.IsBackwardDifferentiable)
            throw new AutogradException(
                $"backward: '{node.Name}' (recorded at {node.Site}) has a backward rule that is not differentiable, so forward mode cannot carry a tangent through its gradient (forward over reverse).");
        node.CheckSavedVersions();
        int count = node.InputCount;
        // One gradient array per arity and backward call, cleared before reuse.
        Tensor?[] grads;
        if (count < gradBuffers.Length)
        {
            grads = gradBuffers[count] ??= new Tensor?[count];
            if (count == 1) grads[0] = null; else Array.Clear(grads);
        }
        else grads = new Tensor?[count];
        // A slice of a tensor sliced many times (the time steps of an input projection, the gates
        // of an LSTM) adds its gradient into the region of the input's gradient so far, rather than
        // zero-padding it to the full shape and summing two full tensors.
        if (count == 1 && !createGraph && !dual && observer is null && node.Input(0) is { RequiresGrad: true, Producer: { PendingGradOwned: true, PendingGrad: { } pending } }
            && node.TryAddGradientInto(pending, g))
            return;
        node.Backward(g, grads);
        observer?.OnNode(node, g, grads);
        for (int i = 0; i < count; i++)
        {
            var gi = grads[i];
            var input = node.Input(i);
            if (gi is null || !input.RequiresGrad) continue;
            if (gi.DType != input.DType || !Shapes.Equal(gi.ShapeArray, input.ShapeArray))
                throw new AutogradException(
                    $"backward of '{node.Name}' (recorded at {node.Site}) returned a gradient {gi.DType.Name()} {Shapes.Format(gi.ShapeArray)} for input {i}, which is {Node.Describe(input)}; a gradient must match its input's shape and dtype");
            if (input.Producer is { } producer)
            {
                if (producer.PendingGrad is null) (producer.PendingGrad, producer.PendingGradOwned) = (gi, !createGraph && node.ReturnsFreshGradients);
                else (producer.PendingGrad, producer.PendingGradOwned) = (GradientSumNode.Apply(producer.PendingGrad, gi), !createGraph);
            }
            else
                leaves.Add((input, gi));
        }
    }

    /// <summary>Whether the gradient, an input or the output of <paramref name="node"/> is dual (forward over reverse runs through its backward).</summary>
    private static bool CarriesTangent(Node node, Tensor g)
    {
        if (ForwardMode.HasTangent(g)) return true;
        for (int i = 0; i < node.InputCount; i++) if (ForwardMode.HasTangent(node.Input(i))) return true;
        return false;
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor g, bool createGraph)
    {
        // A dual gradient keeps its tangent (forward over reverse): summed by an op, never into a buffer.
        if (createGraph || ForwardMode.HasTangent(g)) leaf.Grad = leaf.Grad is null ? g : GradientSumNode.Apply(leaf.Grad, g);
        else Launch.Run(new AccumulateLaunch(leaf, g), g);
    }

    /// <summary>
    /// Adds a gradient into a leaf's <see cref="Tensor.Grad"/>: a launch whose effect depends on
    /// the leaf's state when it runs (copy after ZeroGrad, add otherwise, or create the buffer).
    /// </summary>
    private readonly struct AccumulateLaunch(Tensor leaf, Tensor g) : IRecordedLaunch
    {
        public void Run()
        {
            // Freezing a parameter changes which ops an eager step runs; a replayed step would still update it.
            if (!leaf.RequiresGrad)
                throw new InvalidOperationException(
                    $"StepPlan.Run: {Node.Describe(leaf)} received a gradient in the captured step but no longer requires grad; capture the step again after changing RequiresGrad");
            var existing = leaf.GradForAccumulation(out bool overwrite);
            if (existing is null || existing.Producer is not null)
            {
                leaf.Grad = existing is null ? g.Detach().Clone() : GradientSumNode.Apply(existing.Detach(), g.Detach());
                return;
            }
            existing.Storage.Version++;
            if (existing.DType == DType.Float32)
            {
                if (overwrite) g.SpanF.CopyTo(existing.SpanF);
                else TensorPrimitives.Add(existing.SpanF, g.SpanF, existing.SpanF);
            }
            else
            {
                if (overwrite) g.SpanD.CopyTo(existing.SpanD);
                else TensorPrimitives.Add(existing.SpanD, g.SpanD, existing.SpanD);
            }
        }

        public ILaunch ForReplay(ILaunchRecorder recorder)
        {
            if (recorder.IsCreated(leaf.Storage))
                recorder.Refuse("backward",
                    $"the leaf {Node.Describe(leaf)} that receives a gradient was created inside the captured step; " +
                    "an eager step would start it with no gradient every time, but a replay reuses it and would keep adding. Create parameters outside the step.");
            return this;
        }
    }
}
