using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// Dropout: while training, each element of the input (a unit of the input or a hidden layer) is
/// dropped, i.e. set to 0, independently with probability <see cref="P"/>, and the network is
/// trained on that thinned copy; at evaluation nothing is dropped. See <see cref="DropoutMode"/>
/// for where the (1 − p) factor goes.
/// </summary>
/// <remarks>
/// <para>p is the DROP probability, as in note 000 and PyTorch. Note 004 calls the KEEP
/// probability p: its p is our 1 − p.</para>
/// <para>Training: y = x ⊙ m · s with m ∈ {0, 1} and s = 1/(1 − p) (inverted) or 1 (the notes'
/// form); dy/dx = m · s, so a dropped unit passes no gradient and the weights that only it
/// touches are not updated ("we adjust the weights of only those neurons that were retained",
/// note 004). Evaluation: y = x (inverted) or y = (1 − p)·x (the notes' form).</para>
/// <para>The mask has the input's shape and is drawn from the module's generator on every
/// training-mode forward, unless <see cref="FixedMask"/> is set (to reproduce a worked example or
/// to gradient-check a thinned network).</para>
/// <para>Inside <see cref="Memory.StepPlan.Capture"/> drawing the mask is a step action: every replay
/// draws a new mask from the generator, exactly as the eager step would. The mode (training or
/// evaluation) and the fixed mask are part of the capture: a replay after either changed throws.</para>
/// </remarks>
public sealed class Dropout : Module
{
    private readonly Generator _generator;
    private Tensor? _fixedMask;

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="p">Drop probability, in [0, 1).</param>
    /// <param name="generator">Source of the masks.</param>
    /// <param name="mode">Inverted (default) or the notes' scale-at-test form.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is not in [0, 1) (1 would drop everything).</exception>
    public Dropout(double p, Generator generator, DropoutMode mode = DropoutMode.Inverted)
    {
        Guard.InRange("Dropout", "p", p, 0, 1, maxExclusive: true);
        ArgumentNullException.ThrowIfNull(generator);
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Dropout: unknown mode {mode}");
        P = p;
        Mode = mode;
        _generator = generator;
    }

    /// <summary>Probability of dropping each unit while training.</summary>
    public double P { get; }

    /// <summary>1 − p: the probability a unit is kept, and the notes' test-time weight scale.</summary>
    public double KeepProbability => 1 - P;

    /// <summary>Where the (1 − p) factor goes.</summary>
    public DropoutMode Mode { get; }

    /// <summary>
    /// The keep mask (1 = kept, 0 = dropped) of the last training-mode forward, or null. A drawn
    /// mask is an op result: inside a <c>StepScope</c> it lives as long as the scope.
    /// </summary>
    public Tensor? LastMask { get; private set; }

    /// <summary>
    /// A fixed keep mask of 0s and 1s used instead of random draws while training (null: draw).
    /// It must broadcast to the input's shape (a [features] mask applies to every row of a batch).
    /// </summary>
    /// <exception cref="ArgumentException">An element is not 0 or 1.</exception>
    public Tensor? FixedMask
    {
        get => _fixedMask;
        set
        {
            if (value is not null)
            {
                // Read in place (not ToDoubleArray): a layer built inside a captured step may set its mask.
                for (int i = 0; i < value.Numel; i++)
                    if (value.GetFlat(i) is not (0.0 or 1.0))
                        throw new ArgumentException($"Dropout: FixedMask must hold only 0 (dropped) and 1 (kept); element {i} is {value.GetFlat(i)}", nameof(value));
                value = value.Detach();
            }
            _fixedMask = value;
        }
    }

    /// <summary>Applies dropout (training) or its evaluation-time rule.</summary>
    /// <exception cref="ShapeException">The fixed mask does not broadcast to the input's shape.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Checks, at every replay of a captured step, that the module would still take this path.
        Launch.Run(new SamePathLaunch(this, IsTraining, _fixedMask));
        if (!IsTraining)
            return Mode == DropoutMode.ScaleAtTest && P != 0 ? input * KeepProbability : input;

        using var _ = SourceSite.Enter("Dropout", "", 0);
        var mask = _fixedMask is null ? Sample(input) : FitMask(input);
        LastMask = mask;
        double scale = Mode == DropoutMode.Inverted ? 1 / (1 - P) : 1;
        // One multiply by a constant (mask·scale) keeps the recorded graph to a single node.
        var factor = scale == 1 ? mask : mask * scale;
        return input * factor;
    }

    /// <summary>The path a forward took (mode, fixed mask): run again, it fails if the module would now take another.</summary>
    private readonly struct SamePathLaunch(Dropout module, bool training, Tensor? fixedMask) : ILaunch
    {
        public void Run()
        {
            if (module.IsTraining != training)
                throw new InvalidOperationException(
                    $"Dropout: the step was captured in {(training ? "training" : "evaluation")} mode but the module is now in {(module.IsTraining ? "training" : "evaluation")} mode; " +
                    "a StepPlan replays the captured mode. Capture one plan per mode, or run this step eagerly.");
            if (!ReferenceEquals(module._fixedMask, fixedMask))
                throw new InvalidOperationException("Dropout: FixedMask was changed after the step was captured; a StepPlan replays the captured mask. Capture the step again.");
        }
    }

    private Tensor Sample(Tensor input)
    {
        // An op result (recycled with a StepScope like the activations); a launch, so a replay
        // draws a new mask into the same tensor.
        var mask = Tensor.Empty(input.ShapeArray, input.DType);
        Launch.Run(new DrawMaskLaunch(this, mask));
        return mask;
    }

    private readonly struct DrawMaskLaunch(Dropout module, Tensor mask) : ILaunch
    {
        public void Run() => module.Draw(mask);
    }

    private void Draw(Tensor mask)
    {
        if (mask.DType == DType.Float32)
        {
            var m = mask.AsSpan<float>();
            for (int i = 0; i < m.Length; i++) m[i] = _generator.NextDouble() >= P ? 1f : 0f;
        }
        else
        {
            var m = mask.AsSpan<double>();
            for (int i = 0; i < m.Length; i++) m[i] = _generator.NextDouble() >= P ? 1.0 : 0.0;
        }
    }

    private Tensor FitMask(Tensor input)
    {
        var mask = _fixedMask!;
        if (!Shapes.BroadcastsTo(mask.Shape, input.Shape))
            throw ShapeErrors.DoesNotBroadcastTo("Dropout", "the fixed mask", mask.ShapeArray, "the input", input.ShapeArray);
        return mask.DType == input.DType ? mask : mask.To(input.DType);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dropout(p={P}, {Mode})";
}
