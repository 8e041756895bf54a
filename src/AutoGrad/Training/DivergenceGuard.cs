using System.Globalization;
using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Training;

/// <summary>
/// Makes divergence loud: a training loop reports each step's loss with <see cref="AfterStep"/>
/// (or <see cref="CheckLoss"/> before the update and <see cref="CheckParameters"/> after it), and
/// the guard throws a <see cref="DivergenceException"/> at the first loss that is NaN or ±∞, or the
/// first parameter that holds one after the optimizer step, naming the epoch, the step and the
/// last finite loss. Without it a diverged run goes on with NaN weights and looks like a model.
/// </summary>
/// <example>
/// <code>
/// var guard = new DivergenceGuard(model);
/// for (int epoch = 1; epoch &lt;= epochs; epoch++)
/// {
///     guard.BeginEpoch(epoch);
///     foreach (var (x, y) in loader)
///     {
///         optimizer.ZeroGrad();
///         var loss = Loss.SoftmaxCrossEntropy(model.Forward(x), y);
///         guard.CheckLoss(loss.Item());      // before the step touches the weights
///         loss.Backward();
///         optimizer.Step();
///         guard.CheckParameters();           // a finite loss can still give an infinite update
///     }
/// }
/// </code>
/// </example>
/// <remarks>
/// The parameter check is one vectorized pass over each parameter (the largest magnitude, which is
/// NaN or ∞ exactly when some element is), far cheaper than the step's forward and backward passes;
/// <see cref="ParameterCheckInterval"/> thins it out for very large models. The toolkit's own loops
/// (<see cref="Perceptron.Fit"/>, <see cref="OneVsRestPerceptron.Fit"/>, and <c>autograd train</c>)
/// use this guard.
/// </remarks>
public sealed class DivergenceGuard
{
    private readonly Tensor[] _parameters;
    private readonly string[] _names;

    /// <summary>A guard over a model's parameters, named by their dotted names.</summary>
    /// <param name="model">The model being trained.</param>
    /// <param name="parameterCheckInterval">Check the parameters every this many steps (1 = every step).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCheckInterval"/> &lt; 1.</exception>
    public DivergenceGuard(Module model, int parameterCheckInterval = 1)
        : this((model ?? throw new ArgumentNullException(nameof(model))).NamedParameters().ToList(), parameterCheckInterval)
    {
    }

    /// <summary>A guard over the given parameters (named by <see cref="Tensor.Name"/>, else by their index); none for a loss-only guard.</summary>
    /// <param name="parameters">The tensors the optimizer updates.</param>
    /// <param name="parameterCheckInterval">Check the parameters every this many steps (1 = every step).</param>
    /// <exception cref="ArgumentException">The list holds a null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCheckInterval"/> &lt; 1.</exception>
    public DivergenceGuard(IEnumerable<Tensor>? parameters = null, int parameterCheckInterval = 1)
        : this((parameters ?? []).Select((p, i) => (p?.Name ?? $"parameter {i.ToString(CultureInfo.InvariantCulture)}", p!)).ToList(), parameterCheckInterval)
    {
    }

    private DivergenceGuard(List<(string Name, Tensor Parameter)> named, int parameterCheckInterval)
    {
        Guard.Positive(nameof(DivergenceGuard), nameof(parameterCheckInterval), parameterCheckInterval);
        for (int i = 0; i < named.Count; i++)
            if (named[i].Parameter is null) throw new ArgumentException($"DivergenceGuard: parameter {i} is null", "parameters");
        _parameters = named.Select(p => p.Parameter).ToArray();
        _names = named.Select(p => p.Name).ToArray();
        ParameterCheckInterval = parameterCheckInterval;
    }

    /// <summary>Check the parameters every this many steps (1 = every step).</summary>
    public int ParameterCheckInterval { get; }

    /// <summary>The current epoch (as given to <see cref="BeginEpoch"/>; 0 before).</summary>
    public int Epoch { get; private set; }

    /// <summary>Steps seen in the current epoch.</summary>
    public int Step { get; private set; }

    /// <summary>Steps seen in all.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>The last finite loss seen, or null.</summary>
    public double? LastFiniteLoss { get; private set; }

    /// <summary>The epoch of <see cref="LastFiniteLoss"/> (0 if none).</summary>
    public int LastFiniteEpoch { get; private set; }

    /// <summary>The step within its epoch of <see cref="LastFiniteLoss"/> (0 if none).</summary>
    public int LastFiniteStep { get; private set; }

    /// <summary>Starts epoch <paramref name="epoch"/> (any numbering; 1-based reads best); the step count restarts.</summary>
    public void BeginEpoch(int epoch)
    {
        Epoch = epoch;
        Step = 0;
    }

    /// <summary>Counts one step and checks its loss; then checks the parameters (every <see cref="ParameterCheckInterval"/> steps).</summary>
    /// <param name="loss">The step's loss (the value that was minimized).</param>
    /// <exception cref="DivergenceException">The loss or a parameter is NaN or ±∞.</exception>
    public void AfterStep(double loss)
    {
        CheckLoss(loss);
        if (TotalSteps % ParameterCheckInterval == 0) CheckParameters();
    }

    /// <summary>Counts one step and checks its loss (call it before the update, so a NaN never reaches the weights).</summary>
    /// <exception cref="DivergenceException">The loss is NaN or ±∞.</exception>
    public void CheckLoss(double loss)
    {
        Step++;
        TotalSteps++;
        if (!double.IsFinite(loss))
            throw new DivergenceException(DivergenceKind.Loss, Epoch, Step, TotalSteps, loss, LastFiniteLoss, LastFiniteEpoch, LastFiniteStep, null, 0);
        LastFiniteLoss = loss;
        LastFiniteEpoch = Epoch;
        LastFiniteStep = Step;
    }

    /// <summary>Checks that every parameter is finite (after the optimizer step of the current step).</summary>
    /// <exception cref="DivergenceException">A parameter holds NaN or ±∞; the first such parameter is named.</exception>
    public void CheckParameters()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            if (p.Numel == 0) continue;
            bool finite = p.DType == DType.Float32 ? float.IsFinite(TensorPrimitives.MaxMagnitude<float>(p.SpanF)) : double.IsFinite(TensorPrimitives.MaxMagnitude<double>(p.SpanD));
            if (finite) continue;
            var (first, count) = NonFinite(p);
            throw new DivergenceException(DivergenceKind.Parameter, Epoch, Step, TotalSteps, first, LastFiniteLoss, LastFiniteEpoch, LastFiniteStep, _names[i], count);
        }
    }

    private static (double First, int Count) NonFinite(Tensor p)
    {
        double first = double.NaN;
        int count = 0;
        if (p.DType == DType.Float32)
        {
            foreach (var v in p.SpanF)
                if (!float.IsFinite(v) && count++ == 0) first = v;
        }
        else
        {
            foreach (var v in p.SpanD)
                if (!double.IsFinite(v) && count++ == 0) first = v;
        }
        return (first, count);
    }
}
