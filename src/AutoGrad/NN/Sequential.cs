using System.Collections;

namespace AutoGrad.NN;

/// <summary>
/// Modules applied in order: Forward(x) = mₙ(…m₂(m₁(x))). Children are named "0", "1", … so
/// parameters are named <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, ….
/// </summary>
public sealed class Sequential : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates a sequence of the given modules.</summary>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var m in layers) Add(m);
    }

    /// <summary>Appends a module (named by its position) and returns this sequence.</summary>
    /// <exception cref="ArgumentException">The module is already in this sequence.</exception>
    public Sequential Add(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (ReferenceEquals(module, this) || _layers.Any(l => ReferenceEquals(l, module)))
            throw new ArgumentException($"Sequential: this {module.GetType().Name} is already part of the sequence; create a new module for each position (sharing weights means sharing its parameters, not the module)", nameof(module));
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _layers.Add(module);
        if (!IsTraining) module.Eval();
        return this;
    }

    /// <summary>The module at a position.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public Module this[int index] =>
        (uint)index < (uint)_layers.Count ? _layers[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Sequential: index {index} is out of range for {_layers.Count} modules");

    /// <summary>Number of modules.</summary>
    public int Count => _layers.Count;

    /// <summary>Applies each module to the previous one's output.</summary>
    /// <summary>Several inputs: each module's outputs are the next one's inputs.</summary>
    public override Tensor[] Forward(Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var xs = inputs;
        foreach (var m in _layers) xs = m.Forward(xs);
        return xs;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        foreach (var m in _layers) x = m.Forward(x);
        return x;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"Sequential({string.Join(", ", _layers)})";
}
