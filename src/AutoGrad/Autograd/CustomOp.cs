using System.Runtime.CompilerServices;

namespace AutoGrad.Autograd;

/// <summary>
/// A user-defined differentiable op, like PyTorch's <c>autograd.Function</c>: write
/// <see cref="Forward"/> and <see cref="Backward"/>, then call <see cref="Apply(Tensor, string, int)"/>.
/// The op is recorded on the tape like a built-in, with its name and the caller's source line,
/// so GradCheck, the local check and Explain see it.
/// </summary>
/// <example>
/// <code>
/// sealed class Cube : CustomOp
/// {
///     protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
///     {
///         ctx.SaveForBackward(x[0]);
///         return x[0] * x[0] * x[0];
///     }
///     protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) =>
///         [g * 3 * ctx.SavedTensors[0].Square()];
/// }
/// var y = new Cube().Apply(x);
/// </code>
/// </example>
public abstract class CustomOp
{
    /// <summary>The op's name in tape reports (default: the class name).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// Whether <see cref="Backward"/> is written with differentiable tensor ops using the saved
    /// tensors, so a second derivative through it is valid. Default false: a create-graph
    /// backward through this op throws instead of silently returning zero.
    /// </summary>
    public virtual bool IsBackwardDifferentiable => false;

    /// <summary>
    /// Computes the output from the inputs. Runs with recording off; the inputs are detached
    /// views of the caller's tensors. Save what Backward needs with
    /// <see cref="CustomOpContext.SaveForBackward"/>.
    /// </summary>
    protected abstract Tensor Forward(CustomOpContext ctx, Tensor[] inputs);

    /// <summary>
    /// Returns one gradient per input (same shape and dtype as that input), or null for an
    /// input that needs none (see <see cref="CustomOpContext.NeedsInputGrad"/>).
    /// </summary>
    protected abstract Tensor?[] Backward(CustomOpContext ctx, Tensor gradOutput);

    /// <summary>
    /// The op's forward-mode rule: the output's tangent J·v from the inputs' tangents (zeros for an
    /// input without one), written in tensor ops on <paramref name="inputs"/> (the caller's tensors)
    /// and <paramref name="output"/>. Override it to let dual tensors through the op
    /// (<see cref="ForwardMode"/>, <c>Derivatives.Jvp</c>);
    /// check it with <see cref="Checking.GradCheck"/> and <c>CheckForward</c>. The default throws.
    /// </summary>
    /// <exception cref="AutogradException">The op declares no forward-mode rule (the default).</exception>
    protected virtual Tensor Jvp(CustomOpContext ctx, Tensor[] inputs, Tensor[] tangents, Tensor output) =>
        throw new AutogradException(
            $"forward mode: custom op '{Name}' has no forward-mode rule; override CustomOp.Jvp to return the output's tangent J·v from the inputs' tangents, or keep dual tensors away from it");

    /// <summary>Applies the op to one input.</summary>
    public Tensor Apply(Tensor input, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Apply([input], file, line);

    /// <summary>Applies the op to two inputs.</summary>
    public Tensor Apply(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Apply([a, b], file, line);

    /// <summary>Applies the op to any number of inputs and records it when one of them requires grad.</summary>
    /// <exception cref="InvalidOperationException">Forward returned null.</exception>
    public Tensor Apply(Tensor[] inputs, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var ctx = new CustomOpContext(inputs);
        var output = RunForward(ctx, inputs);
        bool record = Tape.IsRecording && inputs.Any(t => t.RequiresGrad) || ForwardMode.AnyOpen && inputs.Any(ForwardMode.HasTangent);
        if (record) Node.Record(new CustomNode(this, ctx), output, [.. inputs], file, line);
        return output;
    }

    internal Tensor RunForward(CustomOpContext ctx, Tensor[] inputs)
    {
        var detached = inputs.Select(t => t.Detach()).ToArray();
        ctx.Detached = detached;
        Tensor output;
        using (Tape.NoGrad()) output = Forward(ctx, detached);
        if (output is null) throw new InvalidOperationException($"custom op '{Name}': Forward returned null");
        // The output must be a tensor of its own: returning an input (or a view of it) would alias storage.
        foreach (var d in detached)
            if (ReferenceEquals(output.Storage, d.Storage)) { output = output.Clone(); break; }
        return output.GradFn is null ? output : output.Detach();
    }

    internal Tensor?[] RunBackward(CustomOpContext ctx, Tensor g) => Backward(ctx, g);

    internal Tensor RunJvp(CustomOpContext ctx, Tensor[] inputs, Tensor[] tangents, Tensor output) =>
        Jvp(ctx, inputs, tangents, output) ?? throw new InvalidOperationException($"custom op '{Name}': Jvp returned null");

    private sealed class CustomNode(CustomOp op, CustomOpContext ctx) : Node
    {
        public override string Name => op.Name;
        public override bool IsBackwardDifferentiable => op.IsBackwardDifferentiable;

        protected internal override void Backward(Tensor grad, Tensor?[] grads)
        {
            ctx.NeedsGrad = i => NeedsGrad(i);
            var result = op.RunBackward(ctx, grad) ?? throw new InvalidOperationException($"custom op '{op.Name}' (recorded at {Site}): Backward returned null");
            if (result.Length != grads.Length)
                throw new InvalidOperationException($"custom op '{op.Name}' (recorded at {Site}): Backward returned {result.Length} gradients for {grads.Length} inputs");
            for (int i = 0; i < grads.Length; i++) grads[i] = NeedsGrad(i) ? result[i] : null;
        }

        protected internal override Tensor Forward(Tensor[] x) => op.Apply(x, Site.File ?? "", Site.Line);

        protected internal override Tensor? Jvp(Tensor y, Tensor?[] t)
        {
            var inputs = new Tensor[InputCount];
            var tangents = new Tensor[InputCount];
            for (int i = 0; i < inputs.Length; i++) (inputs[i], tangents[i]) = (Input(i), t[i] ?? Tensor.ZerosLike(Input(i)));
            return op.RunJvp(ctx, inputs, tangents, y);
        }

        protected override void ReleaseSaved() => ctx.Release();
    }
}

/// <summary>What a custom op's forward leaves for its backward.</summary>
public sealed class CustomOpContext
{
    private readonly Tensor[] _inputs;
    private List<Tensor> _saved = [];
    internal Tensor[] Detached = [];
    internal Func<int, bool> NeedsGrad = _ => true;

    internal CustomOpContext(Tensor[] inputs) => _inputs = inputs;

    /// <summary>Keeps tensors for <see cref="CustomOp"/>'s backward (inputs, the output, or intermediates).</summary>
    public void SaveForBackward(params Tensor[] tensors) => _saved.AddRange(tensors);

    /// <summary>
    /// The saved tensors, in the order saved. A saved input is handed back as the caller's
    /// original tensor, so a backward written in tensor ops can itself be differentiated.
    /// </summary>
    public IReadOnlyList<Tensor> SavedTensors
    {
        get
        {
            var r = new Tensor[_saved.Count];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = _saved[i];
                for (int j = 0; j < Detached.Length; j++)
                    if (ReferenceEquals(_saved[i], Detached[j])) r[i] = _inputs[j];
            }
            return r;
        }
    }

    /// <summary>Whether input i needs a gradient (skip computing it otherwise).</summary>
    public bool NeedsInputGrad(int i) => NeedsGrad(i);

    /// <summary>Any other values forward wants to pass to backward (sizes, flags, masks).</summary>
    public object? State { get; set; }

    internal void Release()
    {
        _saved = [];
        State = null;
    }
}
