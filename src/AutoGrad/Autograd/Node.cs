using System.Runtime.CompilerServices;

namespace AutoGrad.Autograd;

/// <summary>
/// One recorded op on the tape: the inputs it read, what it saved, and its backward rule. Each
/// primitive is a sealed subclass in a file of its own under <c>Ops/</c>, holding the op's rule
/// (<see cref="Rule"/>, its derivative stated once), its forward (a static <c>Apply</c>, often
/// inherited from a family base such as <c>UnaryNode</c>) and its reverse rule
/// (<see cref="Backward"/>), beside the public <c>Tensor</c> method that calls it. Backward rules
/// are written with tensor ops, so they can themselves be recorded (create-graph) for
/// higher-order derivatives.
/// </summary>
public abstract class Node
{
    // The clock behind Sequence, never behind the inputs' (a Lamport clock): every node follows the
    // nodes it reads, whatever the threads. A plain static, not an atomic or thread-static one (both
    // cost more than the rest of recording): concurrent recorders may race on it, which can only
    // tie or reorder nodes that do not depend on each other.
    private static long s_clock;

    // Inputs live in fields (no array per op for the usual one or two); an op with more keeps an array.
    internal Tensor? In0, In1;
    private Tensor[]? _inputArray;
    internal int InputCount;
    private int _version0, _version1;
    private int[]? _moreVersions;
    private int _outputVersion;
    private Tensor? _output;
    internal Tensor? PendingGrad;
    /// <summary>True when <see cref="PendingGrad"/> is a tensor this backward pass made and nothing else holds (so later contributions may be added into it in place).</summary>
    internal bool PendingGradOwned;
    internal int VisitEpoch;

    /// <summary>
    /// Position in execution order: a later op (recorded on one thread), and any op that reads
    /// this one's output (on any thread), has a larger number. Backward walks nodes by decreasing number.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The node was recorded inside a StepScope that has ended (so are <see cref="Site"/>, <see cref="Inputs"/>, <see cref="OutputShape"/>).</exception>
    public long Sequence => Live().Seq;

    /// <summary>Where the op was recorded.</summary>
    public SourceSite Site { get => Live()._site; private set => _site = value; }

    // Sequence and Site without the retired check, for the tape.
    internal long Seq;
    private SourceSite _site;

    // True from the end of the StepScope that recycles this node until the scope records it again.
    private bool _retired;

    private Node Live() => _retired
        ? throw new ObjectDisposedException(nameof(Node), $"this '{Name}' node was recorded inside a StepScope that has ended, and the scope recycles it for a later op; inspect the graph (Explain, LocalCheck, Inputs) before the scope ends")
        : this;

    /// <summary>The op's name as users know it (e.g. <c>mul</c>, <c>matmul</c>, a custom op's name).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The op and its local derivative in the notation of a derivation on paper, as
    /// "definition;  derivative" (G is the gradient arriving at the output): the one statement of
    /// the derivative, printed by Explain and listed in docs/ops.md. Null for ops that do not state
    /// one (custom ops).
    /// </summary>
    public virtual string? Rule => null;

    /// <summary>The tensors the op read, in argument order.</summary>
    public IReadOnlyList<Tensor> Inputs => Live()._inputArray ??= InputCount switch
    {
        0 => [],
        1 => [In0!],
        2 => [In0!, In1!],
        _ => throw new InvalidOperationException("unreachable: an op with more than two inputs keeps them in an array"),
    };

    /// <summary>Input <paramref name="i"/> of the op (no allocation, unlike <see cref="Inputs"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected internal Tensor Input(int i)
    {
        if ((uint)i >= (uint)InputCount) return InputOutOfRange(i);
        return i == 0 ? In0! : i == 1 ? In1! : _inputArray![i];
    }

    private Tensor InputOutOfRange(int i) => throw new ArgumentOutOfRangeException(nameof(i), i, $"{Name} has {InputCount} inputs");

    /// <summary>Shape of the op's output.</summary>
    public int[] OutputShape { get => Live()._outputShape; private set => _outputShape = value; }

    /// <summary>Dtype of the op's output.</summary>
    public DType OutputDType { get => Live()._outputDType; private set => _outputDType = value; }

    private int[] _outputShape = [];
    private DType _outputDType;

    /// <summary>True once a backward without retainGraph has released what the op saved.</summary>
    public bool IsFreed { get; private set; }

    /// <summary>
    /// Whether the backward rule is itself differentiable (written in recorded tensor ops). A
    /// second derivative through an op that says no throws instead of returning a silent zero.
    /// </summary>
    public virtual bool IsBackwardDifferentiable => true;

    /// <summary>
    /// Computes the gradient for each input from the gradient of the output. Leave
    /// <c>grads[i]</c> null when <see cref="NeedsGrad"/> is false for input i. Each gradient must
    /// have exactly the input's shape and dtype.
    /// </summary>
    protected internal abstract void Backward(Tensor grad, Tensor?[] grads);

    /// <summary>
    /// Runs the op's forward again on new inputs (same parameters: axes, exponent, indices). The
    /// local gradient check replays each recorded node with it, in float64.
    /// </summary>
    protected internal abstract Tensor Forward(Tensor[] x);

    /// <summary>
    /// True when <see cref="Backward"/> returns gradients that are new tensors nothing else holds
    /// (slice's zero-padded gradient), so the tape may add later contributions of the same input
    /// into them in place.
    /// </summary>
    protected internal virtual bool ReturnsFreshGradients => false;

    /// <summary>
    /// For a one-input op whose gradient is zero outside a region (slice): adds this node's
    /// contribution for output gradient <paramref name="grad"/> straight into
    /// <paramref name="pending"/>, the input's gradient so far, which the tape owns; returns false
    /// when the op cannot (the tape then calls <see cref="Backward"/>). Never called when the
    /// backward records a graph.
    /// </summary>
    protected internal virtual bool TryAddGradientInto(Tensor pending, Tensor grad) => false;

    /// <summary>Drops references to saved tensors (called when the graph is freed).</summary>
    protected virtual void ReleaseSaved() { }

    /// <summary>Whether the backward rule reads input i's values (so an in-place change of it invalidates the node).</summary>
    protected virtual bool SavesInput(int i) => true;

    /// <summary>Whether the backward rule reads the output's values.</summary>
    protected virtual bool SavesOutput => false;

    /// <summary>The op's output, available in <see cref="Backward"/> when <see cref="SavesOutput"/> is true.</summary>
    protected Tensor Output => _output ?? throw new InvalidOperationException($"{Name}: the output was not saved (override SavesOutput)");

    /// <summary>
    /// True when a backward rule must be written in tensor ops rather than a fused kernel: when the
    /// tape records the backward (create-graph), or the gradient <paramref name="g"/>, an input or
    /// the output carries a tangent (forward over reverse).
    /// </summary>
    protected bool BackwardInOps(Tensor g)
    {
        if (Tape.IsRecording) return true;
        if (!ForwardMode.AnyOpen) return false;
        if (ForwardMode.HasTangent(g) || _output is { } y && ForwardMode.HasTangent(y)) return true;
        for (int i = 0; i < InputCount; i++) if (ForwardMode.HasTangent(Input(i))) return true;
        return false;
    }

    /// <summary>True when input i needs a gradient.</summary>
    protected bool NeedsGrad(int i) => Input(i).RequiresGrad;

    /// <summary>
    /// A node of type <typeparamref name="T"/> to record: inside a <c>StepScope</c> one the scope
    /// hands back at every step (nodes are recycled with the scope), else a new one. The caller sets
    /// the op's parameters on it before <see cref="Record(Node, Tensor, Tensor, string, int)"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static T New<T>() where T : Node, INodeType<T> =>
        Memory.StepScope.Recycling is { } scope ? scope.Node<T>() : T.Create();

    /// <summary>Makes a recycled node ready to be recorded again.</summary>
    internal void Reset()
    {
        _retired = false;
        IsFreed = false;
        PendingGrad = null;
        _inputArray = null;
        _output = null;
        In0 = In1 = null;
        InputCount = 0;
    }

    /// <summary>Records <paramref name="node"/>, an op of one input, as the producer of <paramref name="output"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Tensor Record(Node node, Tensor output, Tensor a, string file, int line)
    {
        node.In0 = a;
        node.InputCount = 1;
        if (ForwardMode.AnyOpen) return RecordDual(node, output, file, line);
        node._version0 = a.Version;
        return Finish(node, output, file, line, After(a));
    }

    /// <summary>Records <paramref name="node"/>, an op of two inputs, as the producer of <paramref name="output"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Tensor Record(Node node, Tensor output, Tensor a, Tensor b, string file, int line)
    {
        node.In0 = a;
        node.In1 = b;
        node.InputCount = 2;
        if (ForwardMode.AnyOpen) return RecordDual(node, output, file, line);
        node._version0 = a.Version;
        node._version1 = b.Version;
        return Finish(node, output, file, line, Math.Max(After(a), After(b)));
    }

    /// <summary>Records <paramref name="node"/> as the producer of <paramref name="output"/>.</summary>
    internal static Tensor Record(Node node, Tensor output, Tensor[] inputs, string file, int line)
    {
        node._inputArray = inputs;
        node.InputCount = inputs.Length;
        if (inputs.Length > 0) node.In0 = inputs[0];
        if (inputs.Length > 1) node.In1 = inputs[1];
        if (ForwardMode.AnyOpen) return RecordDual(node, output, file, line);
        return RecordInputs(node, output, file, line);
    }

    /// <summary>Records a node whose inputs are set: their versions, then <see cref="Finish"/>.</summary>
    private static Tensor RecordInputs(Node node, Tensor output, string file, int line)
    {
        var inputs = node._inputArray;
        if (inputs is null)
        {
            node._version0 = node.In0!.Version;
            if (node.InputCount > 1) node._version1 = node.In1!.Version;
            return Finish(node, output, file, line, node.InputCount > 1 ? Math.Max(After(node.In0), After(node.In1!)) : After(node.In0));
        }
        if (inputs.Length > 0) { node.In0 = inputs[0]; node._version0 = inputs[0].Version; }
        if (inputs.Length > 1) { node.In1 = inputs[1]; node._version1 = inputs[1].Version; }
        if (inputs.Length > 2)
        {
            // A recycled node keeps its array, so an op of three inputs that passes the same array each
            // time (conv2d with a bias keeps one) records without allocating.
            var more = node._moreVersions is { } kept && kept.Length == inputs.Length - 2 ? kept : new int[inputs.Length - 2];
            for (int i = 2; i < inputs.Length; i++) more[i - 2] = inputs[i].Version;
            node._moreVersions = more;
        }
        long after = 0;
        foreach (var t in inputs) after = Math.Max(after, After(t));
        return Finish(node, output, file, line, after);
    }

    /// <summary>
    /// With a dual level open: records the node on the tape only when an input requires grad and the
    /// tape records (the caller may have made it only to carry a tangent), then gives the output its
    /// tangents (<see cref="ForwardMode.Propagate"/>).
    /// </summary>
    private static Tensor RecordDual(Node node, Tensor output, string file, int line)
    {
        bool tape = false;
        for (int i = 0; i < node.InputCount && !tape; i++) tape = node.Input(i).RequiresGrad;
        if (tape && Tape.IsRecording) RecordInputs(node, output, file, line);
        ForwardMode.Propagate(node, output);
        return output;
    }

    /// <summary>
    /// The op's forward-mode rule: the output's tangent J·v from the inputs' tangents
    /// (<paramref name="tangents"/>[i] null: input i has none, a zero tangent), or null for a zero
    /// tangent. Written with tensor ops, like <see cref="Backward"/>, so tangents of outer levels and
    /// the tape flow through it. <paramref name="output"/> is the op's output (also <see cref="Output"/>).
    /// </summary>
    /// <exception cref="AutogradException">The op has no forward-mode rule (the default).</exception>
    protected internal virtual Tensor? Jvp(Tensor output, Tensor?[] tangents) =>
        throw new AutogradException($"forward mode: '{Name}' has no forward-mode (JVP) rule, so a dual tensor cannot pass through it");

    /// <summary>Runs <see cref="Jvp"/> with the output readable through <see cref="Output"/>.</summary>
    internal Tensor? RunJvp(Tensor output, Tensor?[] tangents)
    {
        var saved = _output;
        _output = output;
        _outputShape = output.ShapeArray;
        _outputDType = output.DType;
        try { return Jvp(output, tangents); }
        finally { _output = saved; }
    }

    /// <summary>
    /// Whether an op on <paramref name="a"/> makes a node: to record on the tape (a requires grad and
    /// the tape records), or to carry a forward-mode tangent (a is dual at an open level). Either way
    /// the op hands the node to <see cref="Record(Node, Tensor, Tensor, string, int)"/>, which does both.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool NeedsNode(Tensor a) => a.RequiresGrad && Tape.IsRecording || ForwardMode.HasTangent(a);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool NeedsNode(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && Tape.IsRecording || ForwardMode.HasTangent(a) || ForwardMode.HasTangent(b);

    /// <summary><see cref="NeedsNode(Tensor)"/> for an op of any number of inputs (null entries skipped).</summary>
    internal static bool NeedsNode(ReadOnlySpan<Tensor?> inputs)
    {
        bool grad = false, dual = false;
        foreach (var t in inputs)
        {
            if (t is null) continue;
            grad |= t.RequiresGrad;
            dual |= ForwardMode.HasTangent(t);
        }
        return grad && Tape.IsRecording || dual;
    }

    /// <summary>The sequence number a node reading <paramref name="t"/> must exceed.</summary>
    private static long After(Tensor t) => t.Producer is { } producer ? producer.Seq : 0;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Tensor Finish(Node node, Tensor output, string file, int line, long after)
    {
        node.Site = SourceSite.Resolve(file, line);
        node.OutputShape = output.ShapeArray;
        node.OutputDType = output.DType;
        node._outputVersion = output.Version;
        if (node.SavesOutput) node._output = output;
        node.Seq = s_clock = Math.Max(s_clock, after) + 1;
        output.GradFn = node;
        Tape.Observer?.OnRecord(node, output);
        return output;
    }

    /// <summary>Throws if an input or output the backward rule reads was modified in place since the op recorded it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckSavedVersions()
    {
        // The usual case, one or two inputs unchanged and no saved output, without the loop or a virtual call.
        if (InputCount > 2 || _output is not null
            || In0 is { } a && a.Storage.Version != _version0
            || In1 is { } b && b.Storage.Version != _version1)
            CheckSavedVersionsSlow();
    }

    private void CheckSavedVersionsSlow()
    {
        var output = _output;
        for (int i = 0; i < InputCount; i++)
        {
            int recorded = i == 0 ? _version0 : i == 1 ? _version1 : _moreVersions![i - 2];
            var input = Input(i);
            if (input.Version != recorded && SavesInput(i))
                throw new AutogradException(
                    $"backward: input {i} ({Describe(input)}) of '{Name}' recorded at {Site} was modified in place after the op saved it; " +
                    "its gradient would be wrong. Clone the tensor before changing it, or change it after Backward.");
        }
        if (SavesOutput && output is not null && output.Version != _outputVersion)
            throw new AutogradException($"backward: the output of '{Name}' recorded at {Site} was modified in place after the op saved it; its gradient would be wrong.");
    }

    /// <summary>Frees the node as its StepScope ends: every public view of it throws until the scope records it again.</summary>
    internal void Retire()
    {
        Free();
        _retired = true;
    }

    internal void Free()
    {
        if (IsFreed) return;
        IsFreed = true;
        ReleaseSaved();
        _output = null;
        In0 = In1 = null;
        _inputArray = null;
        InputCount = 0;
    }

    internal static string Describe(Tensor t) =>
        $"{(t.Name is null ? "" : t.Name + " ")}{t.DType.Name()} {Shapes.Format(t.ShapeArray)}";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} -> {Shapes.Format(OutputShape)} at {Site}";
}

/// <summary>
/// A primitive's node type: <see cref="Create"/> makes one without reflection (a generic
/// <c>new T()</c> goes through <c>Activator</c>, several times slower than the op it records).
/// </summary>
internal interface INodeType<TSelf> where TSelf : Node
{
    static abstract TSelf Create();
}
