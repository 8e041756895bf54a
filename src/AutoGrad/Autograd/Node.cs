using AutoGrad.Debugging;

namespace AutoGrad.Autograd;

/// <summary>
/// One recorded op on the tape: the inputs it read, what it saved, and its backward rule. Each
/// primitive op is a sealed subclass whose forward (a static <c>Apply</c>) and backward sit side by
/// side in one file. Backward rules are written with tensor ops, so they can themselves be
/// recorded (create-graph) for higher-order derivatives.
/// </summary>
public abstract class Node
{
    private static long s_sequence;

    internal Tensor[] InputArray = [];
    private int _version0, _version1;
    private int[]? _moreVersions;
    private int _outputVersion;
    private Tensor? _output;
    internal Tensor? PendingGrad;
    internal int VisitEpoch;

    /// <summary>Position in execution order: later ops have larger numbers.</summary>
    public long Sequence { get; private set; }

    /// <summary>Where the op was recorded.</summary>
    public SourceSite Site { get; private set; }

    /// <summary>The op's name as users know it (e.g. <c>mul</c>, <c>matmul</c>, a custom op's name).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The local derivative rule in the notation of a derivation on paper (G is the gradient
    /// arriving at the output), printed by Explain; null for ops that do not state one.
    /// </summary>
    public virtual string? Rule => null;

    /// <summary>The tensors the op read, in argument order.</summary>
    public IReadOnlyList<Tensor> Inputs => InputArray;

    /// <summary>Shape of the op's output.</summary>
    public int[] OutputShape { get; private set; } = [];

    /// <summary>Dtype of the op's output.</summary>
    public DType OutputDType { get; private set; }

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

    /// <summary>Drops references to saved tensors (called when the graph is freed).</summary>
    protected virtual void ReleaseSaved() { }

    /// <summary>Whether the backward rule reads input i's values (so an in-place change of it invalidates the node).</summary>
    protected virtual bool SavesInput(int i) => true;

    /// <summary>Whether the backward rule reads the output's values.</summary>
    protected virtual bool SavesOutput => false;

    /// <summary>The op's output, available in <see cref="Backward"/> when <see cref="SavesOutput"/> is true.</summary>
    protected Tensor Output => _output ?? throw new InvalidOperationException($"{Name}: the output was not saved (override SavesOutput)");

    /// <summary>True when input i needs a gradient.</summary>
    protected bool NeedsGrad(int i) => InputArray[i].RequiresGrad;

    /// <summary>Records <paramref name="node"/> as the producer of <paramref name="output"/>.</summary>
    internal static Tensor Record(Node node, Tensor output, Tensor[] inputs, string file, int line)
    {
        node.InputArray = inputs;
        node.Site = SourceSite.Resolve(file, line);
        node.OutputShape = output.ShapeArray;
        node.OutputDType = output.DType;
        if (inputs.Length > 0) node._version0 = inputs[0].Version;
        if (inputs.Length > 1) node._version1 = inputs[1].Version;
        if (inputs.Length > 2)
        {
            var more = new int[inputs.Length - 2];
            for (int i = 2; i < inputs.Length; i++) more[i - 2] = inputs[i].Version;
            node._moreVersions = more;
        }
        node._outputVersion = output.Version;
        if (node.SavesOutput) node._output = output;
        node.Sequence = Interlocked.Increment(ref s_sequence);
        output.GradFn = node;
        if (Anomaly.Active != 0) Anomaly.CheckForward(node, output);
        return output;
    }

    internal void CheckSavedVersions()
    {
        var output = _output;
        for (int i = 0; i < InputArray.Length; i++)
        {
            int recorded = i == 0 ? _version0 : i == 1 ? _version1 : _moreVersions![i - 2];
            if (SavesInput(i) && InputArray[i].Version != recorded)
                throw new AutogradException(
                    $"backward: input {i} ({Describe(InputArray[i])}) of '{Name}' recorded at {Site} was modified in place after the op saved it; " +
                    "its gradient would be wrong. Clone the tensor before changing it, or change it after Backward.");
        }
        if (SavesOutput && output is not null && output.Version != _outputVersion)
            throw new AutogradException($"backward: the output of '{Name}' recorded at {Site} was modified in place after the op saved it; its gradient would be wrong.");
    }

    internal void Free()
    {
        if (IsFreed) return;
        IsFreed = true;
        ReleaseSaved();
        _output = null;
        InputArray = [];
    }

    internal static string Describe(Tensor t) =>
        $"{(t.Name is null ? "" : t.Name + " ")}{t.DType.Name()} {Shapes.Format(t.ShapeArray)}";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} -> {Shapes.Format(OutputShape)} at {Site}";
}
