namespace AutoGrad.Optim;

/// <summary>
/// What an optimizer needs to resume exactly where it stopped: its kind, the number of steps
/// taken, its hyperparameters (always <c>lr</c>, <c>decoupled_weight_decay</c>, <c>l2_weight_decay</c> and the groups' settings, plus the rule's own such
/// as <c>beta1</c>) and its state tensors named "<c>parameterIndex.name</c>" (e.g.
/// <c>0.velocity</c>, <c>3.exp_avg</c>, <c>3.exp_avg_sq</c>, <c>3.step</c>). Produced by
/// <see cref="Optimizer.State"/>, consumed by <see cref="Optimizer.LoadState"/>, stored in checkpoints.
/// </summary>
public sealed class OptimizerState
{
    /// <summary>Creates a state; the dictionaries are copied (keeping their order).</summary>
    /// <exception cref="ArgumentException">Kind is empty, or a name is empty or a tensor null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Step or parameter count is negative.</exception>
    public OptimizerState(string kind, long step, int parameterCount,
        IEnumerable<KeyValuePair<string, double>> hyperparameters, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        if (string.IsNullOrWhiteSpace(kind)) throw new ArgumentException("OptimizerState: kind must not be empty", nameof(kind));
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"OptimizerState: step must be >= 0, got {step}");
        Guard.NonNegative("OptimizerState", nameof(parameterCount), parameterCount);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(tensors);
        var h = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (k, v) in hyperparameters)
        {
            if (string.IsNullOrEmpty(k)) throw new ArgumentException("OptimizerState: a hyperparameter name is empty", nameof(hyperparameters));
            if (!h.TryAdd(k, v)) throw new ArgumentException($"OptimizerState: hyperparameter '{k}' is given twice", nameof(hyperparameters));
        }
        var t = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in tensors)
        {
            if (string.IsNullOrEmpty(k)) throw new ArgumentException("OptimizerState: a state tensor name is empty", nameof(tensors));
            if (v is null) throw new ArgumentException($"OptimizerState: state tensor '{k}' is null", nameof(tensors));
            if (!t.TryAdd(k, v)) throw new ArgumentException($"OptimizerState: state tensor '{k}' is given twice", nameof(tensors));
        }
        Kind = kind;
        Step = step;
        ParameterCount = parameterCount;
        Hyperparameters = h;
        Tensors = t;
    }

    /// <summary>The optimizer's kind (see <see cref="Optimizer.Kind"/>).</summary>
    public string Kind { get; }

    /// <summary>Number of steps taken.</summary>
    public long Step { get; }

    /// <summary>Number of parameters the optimizer was built over.</summary>
    public int ParameterCount { get; }

    /// <summary>Hyperparameters by name, in a fixed order.</summary>
    public IReadOnlyDictionary<string, double> Hyperparameters { get; }

    /// <summary>State tensors by name ("parameterIndex.name"), in a fixed order.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind} optimizer state: step {Step}, {ParameterCount} parameters, " +
        string.Join(", ", Hyperparameters.Select(kv => $"{kv.Key}={kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")) +
        $", {Tensors.Count} state tensors";
}
