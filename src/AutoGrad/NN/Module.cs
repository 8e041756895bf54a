using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// Base of every layer and model: explicit registration of parameters, buffers and sub-modules (no
/// reflection), each listed in a fixed order (registration order, depth first), and a train/eval
/// flag per module.
/// </summary>
/// <remarks>
/// A tensor registered in two places (tied weights) or reached through a sub-module registered
/// twice is listed once by <see cref="NamedParameters"/>, <see cref="Parameters"/> and
/// <see cref="NamedBuffers"/>, under the first name met (PyTorch's
/// <c>named_parameters(remove_duplicate=True)</c>), so it is counted, penalized, zeroed and
/// optimized once. <see cref="StateDict"/> lists every name, as PyTorch's <c>state_dict()</c> does.
/// </remarks>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value, bool IsBias, bool Transposed)> _parameters = [];
    private readonly List<(string Name, Tensor Value)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>True in training mode (dropout active, batch norm on batch statistics); false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// Computes the module's outputs from several inputs, for a layer that needs them (a recurrent
    /// step taking (x, h) and giving h, an attention-like layer taking (x, context)). The default is
    /// the one-input module: one input in, <see cref="Forward(Tensor)"/>'s output out.
    /// <see cref="Sequential"/> passes the outputs of one module as the inputs of the next.
    /// </summary>
    /// <exception cref="ArgumentException">The module does not take that many inputs; the message names it and the counts.</exception>
    public virtual Tensor[] Forward(Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != 1)
            throw new ArgumentException($"{GetType().Name}.Forward: takes 1 input, got {inputs.Length}; a module of several inputs overrides Forward(Tensor[]) (see MultiInputModule)", nameof(inputs));
        return [Forward(inputs[0])];
    }

    /// <summary><see cref="Call(Tensor, string, int)"/> for several inputs: <see cref="Forward(Tensor[])"/> with the caller's source line on its ops.</summary>
    public Tensor[] Call(Tensor[] inputs, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter(GetType().Name, file, line);
        return Forward(inputs);
    }

    /// <summary>
    /// Calls <see cref="Forward(Tensor)"/>, recording the ops it runs with the caller's source line and the
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
    /// <param name="name">The parameter's name in this module (no dots: they separate the modules of a dotted name).</param>
    /// <param name="value">The tensor; a non-leaf is detached first.</param>
    /// <param name="isBias">Left out of penalties and weight decay by default.</param>
    /// <param name="transposedInStateDict">
    /// The 2-d tensor is stored transposed relative to PyTorch's layout, so <see cref="StateDict"/>
    /// gives its transpose and <see cref="LoadStateDict"/> expects one (<see cref="Linear"/>'s W is
    /// [in, out]; <c>torch.nn.Linear</c>'s is [out, in]).
    /// </param>
    /// <exception cref="ArgumentException">The name is empty, has a dot or is already used in this module (by a parameter, buffer or sub-module); or the tensor is not 2-d but <paramref name="transposedInStateDict"/> is set.</exception>
    protected Tensor RegisterParameter(string name, Tensor value, bool isBias = false, bool transposedInStateDict = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckName(name);
        if (transposedInStateDict && value.Rank != 2)
            throw new ArgumentException($"{GetType().Name}: parameter '{name}' has shape {Shapes.Format(value.Shape)}; only a 2-d parameter can be transposed in the state dict", nameof(transposedInStateDict));
        if (!value.IsLeaf) value = value.Detach();
        value.RequiresGrad = true;
        value.Name ??= name;
        _parameters.Add((name, value, isBias, transposedInStateDict));
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
        if (name.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' has a dot; dots join the names of nested modules (e.g. '0.weight'), so a registered name cannot hold one", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered", nameof(name));
    }

    /// <summary>
    /// Every parameter with its dotted name (e.g. <c>layers.0.weight</c>), own parameters first, then
    /// each child's, in registration order. A tensor met again (tied weights, a sub-module
    /// registered twice) is skipped: it keeps the first name.
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, t, _, _) in AllParameters(""))
            if (seen.Add(t)) yield return (name, t);
    }

    /// <summary>Every registration of a parameter, duplicates included, with its dotted name and flags.</summary>
    private IEnumerable<(string Name, Tensor Value, bool IsBias, bool Transposed)> AllParameters(string prefix)
    {
        foreach (var p in _parameters) yield return (prefix + p.Name, p.Value, p.IsBias, p.Transposed);
        foreach (var (name, child) in _children)
            foreach (var p in child.AllParameters($"{prefix}{name}.")) yield return p;
    }

    /// <summary>Every parameter, once each, in the fixed order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name (e.g. <c>1.running_mean</c>), own buffers first, then each child's, in registration order; a buffer met again keeps its first name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, t) in AllBuffers(""))
            if (seen.Add(t)) yield return (name, t);
    }

    private IEnumerable<(string Name, Tensor Value)> AllBuffers(string prefix)
    {
        foreach (var b in _buffers) yield return (prefix + b.Name, b.Value);
        foreach (var (name, child) in _children)
            foreach (var b in child.AllBuffers($"{prefix}{name}.")) yield return b;
    }

    /// <summary>Every buffer, in the fixed order of <see cref="NamedBuffers"/>.</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    /// <summary>Parameters registered as biases (left out of penalties and weight decay by default), once each.</summary>
    public IEnumerable<Tensor> Biases()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (_, t, isBias, _) in AllParameters(""))
            if (isBias && seen.Add(t)) yield return t;
    }

    /// <summary>Parameters that are not biases: what L1/L2 penalties and weight decay act on by default.</summary>
    public IEnumerable<Tensor> Weights()
    {
        var biases = new HashSet<Tensor>(Biases(), ReferenceEqualityComparer.Instance);
        return Parameters().Where(p => !biases.Contains(p));
    }

    /// <summary>Direct sub-modules with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Direct sub-modules, in registration order.</summary>
    public IEnumerable<Module> Children() => _children.Select(c => c.Module);

    /// <summary>
    /// This module (named "") and every sub-module at any depth with its dotted path (<c>0</c>,
    /// <c>rnn</c>, <c>encoder.1</c>), parents before their children, in registration order
    /// (PyTorch's <c>named_modules()</c>). A module met again keeps its first path.
    /// </summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (name, m) = stack.Pop();
            if (!seen.Add(m)) continue;
            yield return (name, m);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((name.Length == 0 ? m._children[i].Name : $"{name}.{m._children[i].Name}", m._children[i].Module));
        }
    }

    /// <summary>This module and every sub-module at any depth, once each, in the order of <see cref="NamedModules"/>.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>
    /// Names of state that PyTorch's equivalent module keeps and this one does not, accepted and
    /// ignored by <see cref="LoadStateDict"/> when they hold one element (batch norm's
    /// <c>num_batches_tracked</c>); none by default.
    /// </summary>
    protected virtual IEnumerable<string> IgnoredStateNames => [];

    /// <summary>
    /// The module's state under PyTorch's <c>state_dict()</c> names and order: for each module,
    /// parents first, its parameters then its buffers, each name dotted with the module's path
    /// (<c>0.weight</c>, <c>0.bias</c>, <c>1.running_mean</c>, <c>rnn.weight_ih_l0</c>). Every
    /// registration is listed, so a tied parameter appears under each of its names.
    /// </summary>
    /// <remarks>
    /// <para>The values are copies in PyTorch's layout (a parameter registered with
    /// <c>transposedInStateDict</c>, as <see cref="Linear"/>'s weight, is transposed), detached and
    /// not requiring grad: a snapshot, which later training does not change (PyTorch's
    /// <c>state_dict()</c> shares storage with the model instead; here no <c>copy.deepcopy</c> is
    /// needed).</para>
    /// </remarks>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        using (Tape.NoGrad())
            foreach (var e in StateEntries())
            {
                var copy = e.Transposed ? e.Value.T : e.Value.Clone();
                copy.Name = e.Key;
                if (!dict.TryAdd(e.Key, copy))
                    throw new InvalidOperationException($"{GetType().Name}.StateDict: the name '{e.Key}' is given to two tensors");
            }
        return dict;
    }

    /// <summary>One entry of the state dict: its dotted key, the model's tensor, its kind and layout.</summary>
    private readonly record struct StateEntry(string Key, Tensor Value, bool IsBuffer, bool Transposed);

    private List<StateEntry> StateEntries()
    {
        var list = new List<StateEntry>();
        AddStateEntries("", list);
        return list;
    }

    private void AddStateEntries(string prefix, List<StateEntry> list)
    {
        foreach (var p in _parameters) list.Add(new(prefix + p.Name, p.Value, false, p.Transposed));
        foreach (var b in _buffers) list.Add(new(prefix + b.Name, b.Value, true, false));
        foreach (var (name, child) in _children) child.AddStateEntries($"{prefix}{name}.", list);
    }

    private void AddIgnoredStateNames(string prefix, HashSet<string> names)
    {
        foreach (var n in IgnoredStateNames) names.Add(prefix + n);
        foreach (var (name, child) in _children) child.AddIgnoredStateNames($"{prefix}{name}.", names);
    }

    /// <summary>
    /// Copies a state dict (<see cref="StateDict"/>'s names, shapes and layout, PyTorch's) into
    /// the module's parameters and buffers, in place and outside the tape. Everything is checked
    /// before the first value is written: on any error the module is unchanged.
    /// </summary>
    /// <param name="stateDict">Name → tensor, e.g. <see cref="StateDict"/> of a model of the same architecture, or <c>Safetensors.Load</c> of a file PyTorch wrote.</param>
    /// <param name="strict">
    /// True: the keys must be exactly the module's (<see cref="StateDict"/>'s keys; a key of
    /// <see cref="IgnoredStateNames"/>, such as a batch norm's <c>num_batches_tracked</c>, may be
    /// there too and is ignored). False: missing keys keep their values and unexpected keys are
    /// skipped; both are reported in the result.
    /// </param>
    /// <returns>The module's keys the state dict did not have, and the state dict's keys the module does not have (both empty when strict).</returns>
    /// <exception cref="ArgumentException">
    /// A key is missing or unexpected (strict), a value is null, or a value's shape or dtype
    /// differs from the module's (shapes in PyTorch's layout); the message names every such key with
    /// the expected and the given shape and dtype.
    /// </exception>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        string op = $"{GetType().Name}.LoadStateDict";
        var entries = StateEntries();
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        AddIgnoredStateNames("", ignored);
        var expected = new HashSet<string>(entries.Select(e => e.Key), StringComparer.Ordinal);

        var missing = new List<string>();
        var mismatched = new List<string>();
        var copies = new List<(Tensor Source, StateEntry Target)>();
        foreach (var e in entries)
        {
            if (!stateDict.TryGetValue(e.Key, out var source)) { missing.Add(e.Key); continue; }
            int[] shape = e.Transposed ? [e.Value.Shape[1], e.Value.Shape[0]] : e.Value.ShapeArray;
            string want = $"{e.Value.DType.Name()} {Shapes.Format(shape)}{(e.Transposed ? " (PyTorch's layout, the transpose of the module's)" : "")}";
            if (source is null) mismatched.Add($"'{e.Key}' is null; the module expects {want}");
            else if (source.DType != e.Value.DType || !Shapes.Equal(source.Shape, shape))
                mismatched.Add($"'{e.Key}' is {source.DType.Name()} {Shapes.Format(source.Shape)} in the state dict but the module expects {want}");
            else copies.Add((source, e));
        }
        var unexpected = new List<string>();
        var badIgnored = new List<string>();
        foreach (var (key, value) in stateDict)
        {
            if (expected.Contains(key)) continue;
            if (ignored.Contains(key))
            {
                if (value is null || value.Numel != 1) badIgnored.Add($"'{key}' (ignored state) should hold one number but is {(value is null ? "null" : $"{value.DType.Name()} {Shapes.Format(value.Shape)}")}");
                continue;
            }
            unexpected.Add(key);
        }

        var problems = new List<string>();
        if (strict && missing.Count > 0) problems.Add($"missing key(s) {Keys(missing)}");
        if (strict && unexpected.Count > 0) problems.Add($"unexpected key(s) {Keys(unexpected)}");
        problems.AddRange(mismatched);
        problems.AddRange(badIgnored);
        if (problems.Count > 0)
        {
            var shown = problems.Take(10).ToList();
            if (problems.Count > 10) shown.Add($"... and {problems.Count - 10} more");
            throw new ArgumentException($"{op}: the state dict does not fit the module ({entries.Count} keys; state dict: {stateDict.Count}), nothing was loaded: {string.Join("; ", shown)}", nameof(stateDict));
        }

        using (Tape.NoGrad())
            foreach (var (source, e) in copies)
                e.Value.CopyFrom(e.Transposed ? source.T : source);
        return new StateDictLoadResult(missing, unexpected);
    }

    private static string Keys(List<string> keys) =>
        string.Join(", ", keys.Take(20).Select(k => $"'{k}'")) + (keys.Count > 20 ? $" and {keys.Count - 20} more" : "");

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
