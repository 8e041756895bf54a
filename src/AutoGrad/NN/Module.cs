using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// Base of every layer and model: explicit registration of parameters, buffers and sub-modules (no
/// reflection), each listed in a fixed order (registration order, depth first), and a train/eval
/// flag per module.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value, bool IsBias)> _parameters = [];
    private readonly List<(string Name, Tensor Value)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>True in training mode (dropout active, batch norm on batch statistics); false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// Calls <see cref="Forward"/>, recording the ops it runs with the caller's source line and the
    /// module's type name as their scope (e.g. <c>Model.cs:12 (in Linear)</c>), so a local
    /// gradient check points at the user's call.
    /// </summary>
    public Tensor Call(Tensor input, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter(GetType().Name, file, line);
        return Forward(input);
    }

    /// <summary>
    /// Registers a parameter: it gets <c>RequiresGrad = true</c> and a name. Biases are flagged so
    /// L1/L2 penalties and weight decay leave them out by default, as in the notes.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already used in this module (by a parameter, buffer or sub-module).</exception>
    protected Tensor RegisterParameter(string name, Tensor value, bool isBias = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckName(name);
        if (!value.IsLeaf) value = value.Detach();
        value.RequiresGrad = true;
        value.Name ??= name;
        _parameters.Add((name, value, isBias));
        return value;
    }

    /// <summary>
    /// Registers a buffer: state of the module that is not trained (batch norm's running mean and
    /// variance). It never requires grad, is not among <see cref="Parameters"/> (so optimizers and
    /// penalties leave it alone), and is saved and loaded by checkpoints with the parameters.
    /// The module updates it in place (outside the tape).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already used in this module, or the tensor requires grad.</exception>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckName(name);
        if (value.RequiresGrad)
            throw new ArgumentException($"{GetType().Name}: buffer '{name}' requires grad; a buffer is state outside the tape (register a trained tensor with RegisterParameter)", nameof(value));
        value.Name ??= name;
        _buffers.Add((name, value));
        return value;
    }

    /// <summary>Registers a sub-module; its parameters follow this module's own, named "name.param".</summary>
    /// <exception cref="ArgumentException">The name is empty or already used in this module.</exception>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"{GetType().Name}: a parameter or module name must not be empty", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered", nameof(name));
    }

    /// <summary>Every parameter with its dotted name (e.g. <c>layers.0.weight</c>), own parameters first, then each child's, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach (var p in _parameters) yield return (p.Name, p.Value);
        foreach (var (name, child) in _children)
            foreach (var (n, t) in child.NamedParameters()) yield return ($"{name}.{n}", t);
    }

    /// <summary>Every parameter, in the fixed order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name (e.g. <c>1.running_mean</c>), own buffers first, then each child's, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var b in _buffers) yield return (b.Name, b.Value);
        foreach (var (name, child) in _children)
            foreach (var (n, t) in child.NamedBuffers()) yield return ($"{name}.{n}", t);
    }

    /// <summary>Every buffer, in the fixed order of <see cref="NamedBuffers"/>.</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    /// <summary>Parameters registered as biases (left out of penalties and weight decay by default).</summary>
    public IEnumerable<Tensor> Biases()
    {
        foreach (var p in _parameters) if (p.IsBias) yield return p.Value;
        foreach (var (_, child) in _children) foreach (var b in child.Biases()) yield return b;
    }

    /// <summary>Parameters that are not biases: what L1/L2 penalties and weight decay act on by default.</summary>
    public IEnumerable<Tensor> Weights()
    {
        var biases = new HashSet<Tensor>(Biases(), ReferenceEqualityComparer.Instance);
        return Parameters().Where(p => !biases.Contains(p));
    }

    /// <summary>Direct sub-modules with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Sets training mode on this module and every sub-module; returns this.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, c) in _children) c.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode (dropout off, batch norm on running statistics) on this module and every sub-module; returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeros the gradient of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Number of scalar parameters.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Numel);
}
