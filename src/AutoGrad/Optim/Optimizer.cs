using System.Numerics;
using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Base of every optimizer: a fixed list of parameters in groups (<see cref="ParameterGroup"/>),
/// a learning rate η, two kinds of weight decay, and per-parameter state tensors allocated once.
/// <see cref="Step"/> applies, per parameter, the coupled L2 decay to the gradient
/// (<c>g ← g + λ₂·w</c>), the decoupled decay to the weight (<c>w ← w − η·λ·w</c>), then the
/// subclass's update rule, writing straight into the parameters' buffers with
/// <see cref="TensorPrimitives"/>: nothing is recorded on the tape and nothing is allocated in
/// steady state.
/// </summary>
/// <remarks>
/// <para>The two weight decays have names that cannot be mixed up. <b>Decoupled</b>
/// (<c>decoupledWeightDecay</c>, Loshchilov and Hutter's AdamW form) shrinks the weights directly
/// and never enters the gradient or the adaptive statistics: PyTorch's <c>AdamW(weight_decay=λ)</c>.
/// <b>Coupled L2</b> (<c>l2WeightDecay</c>) adds λ₂·w to the gradient the rule sees, as if the loss
/// had a (λ₂/2)‖w‖² term: PyTorch's <c>SGD/Adam/RMSprop/Adagrad(weight_decay=λ)</c>. For plain SGD
/// the two give the same step; for momentum and adaptive methods they differ. Neither is part of
/// the loss value or of a gradient check (an L2 penalty on the loss is <c>AutoGrad.NN.Regularization</c>).</para>
/// <para>Which tensors decay is what you say: over a tensor list, every tensor; over a model, the
/// documented default <see cref="ParameterGroup.WeightsAndBiases"/> (biases are not decayed, as
/// the notes do for L2, seed 001) unless <c>decayBiases</c>; over groups, each group's settings.</para>
/// <para>Parameters whose <see cref="Tensor.Grad"/> is null are skipped (their state is untouched).</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly Tensor[] _parameters;
    private readonly int[] _groupOf;
    private readonly GroupSettings[] _groups;
    private readonly List<StateSlot> _state = [];
    private double _learningRate;
    private double _decoupled;
    private double _l2;
    private float[]? _scratchF, _decayedGradF;
    private double[]? _scratchD, _decayedGradD;

    private readonly record struct StateSlot(int Index, string Name, Tensor Value);

    /// <summary>A group's own settings: its rate as a multiple of the optimizer's, and decays that override the optimizer's (null: the optimizer's).</summary>
    private sealed class GroupSettings
    {
        public double LrScale = 1;
        public double? Decoupled, L2;
        public int Size;
    }

    /// <summary>
    /// Creates an optimizer over <paramref name="parameters"/>: one group, every tensor of the list
    /// decayed by the optimizer's weight decays (there is no guessing which ones are biases; use
    /// groups to leave some out).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, holds a null, a duplicate, or a tensor that is not a leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is not &gt; 0 or a weight decay is negative.</exception>
    protected Optimizer(string kind, IEnumerable<Tensor> parameters, double learningRate, double decoupledWeightDecay, double l2WeightDecay)
        : this(kind, [new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, decoupledWeightDecay, l2WeightDecay)
    {
    }

    /// <summary>
    /// Creates an optimizer over <c>model.Parameters()</c>, numbered in that order (a tensor
    /// registered under two names, for weight sharing, counts once), split by <see cref="ParameterGroup.WeightsAndBiases"/>:
    /// the weight decays leave the model's biases out unless <paramref name="decayBiases"/> is true.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is not &gt; 0 or a weight decay is negative.</exception>
    protected Optimizer(string kind, Module model, double learningRate, double decoupledWeightDecay, double l2WeightDecay, bool decayBiases)
        : this(kind, ModelGroups(kind, model, decayBiases), learningRate, decoupledWeightDecay, l2WeightDecay, ModelOrder(model))
    {
    }

    /// <summary>
    /// Creates an optimizer over parameter groups, each with its own learning rate and decays
    /// (null: the optimizer's). Parameters are numbered group by group, in order (state tensors and
    /// checkpoints use that order).
    /// </summary>
    /// <exception cref="ArgumentException">No groups, an empty group, a tensor in two groups (or twice in one), a null or a non-leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A learning rate is not &gt; 0 or a weight decay is negative.</exception>
    protected Optimizer(string kind, IEnumerable<ParameterGroup> groups, double learningRate, double decoupledWeightDecay, double l2WeightDecay)
        : this(kind, groups, learningRate, decoupledWeightDecay, l2WeightDecay, null)
    {
    }

    /// <summary>The groups' parameters numbered in <paramref name="order"/> (a model's, so state indices follow <c>Parameters()</c>), or group by group.</summary>
    private Optimizer(string kind, IEnumerable<ParameterGroup> groups, double learningRate, double decoupledWeightDecay, double l2WeightDecay, Tensor[]? order)
    {
        Guard.Positive(kind, nameof(learningRate), learningRate);
        Guard.NonNegativeNumber(kind, nameof(decoupledWeightDecay), decoupledWeightDecay);
        Guard.NonNegativeNumber(kind, nameof(l2WeightDecay), l2WeightDecay);
        ArgumentNullException.ThrowIfNull(groups);
        var list = groups.ToArray();
        if (list.Length == 0) throw new ArgumentException($"{kind}: no parameter groups; there is nothing to optimize", nameof(groups));
        var parameters = new List<Tensor>();
        var groupOf = new List<int>();
        _groups = new GroupSettings[list.Length];
        for (int g = 0; g < list.Length; g++)
        {
            var group = list[g] ?? throw new ArgumentException($"{kind}: parameter group {g} is null", nameof(groups));
            var tensors = (group.Parameters ?? throw new ArgumentException($"{kind}: parameter group {g} has a null parameter list", nameof(groups))).ToArray();
            if (tensors.Length == 0)
                throw new ArgumentException(list.Length == 1 ? $"{kind}: the parameter list is empty; there is nothing to optimize" : $"{kind}: parameter group {g} is empty", nameof(groups));
            if (group.LearningRate is { } lr) Guard.Positive(kind, $"group {g} LearningRate", lr);
            if (group.DecoupledWeightDecay is { } d) Guard.NonNegativeNumber(kind, $"group {g} DecoupledWeightDecay", d);
            if (group.L2WeightDecay is { } l) Guard.NonNegativeNumber(kind, $"group {g} L2WeightDecay", l);
            _groups[g] = new GroupSettings { LrScale = (group.LearningRate ?? learningRate) / learningRate, Decoupled = group.DecoupledWeightDecay, L2 = group.L2WeightDecay, Size = tensors.Length };
            parameters.AddRange(tensors);
            groupOf.AddRange(Enumerable.Repeat(g, tensors.Length));
        }
        Kind = kind;
        _parameters = CheckParameters(kind, parameters, groupOf);
        _groupOf = [.. groupOf];
        if (order is not null)
        {
            var groupOfTensor = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < _parameters.Length; i++) groupOfTensor[_parameters[i]] = _groupOf[i];
            _parameters = order;
            for (int i = 0; i < order.Length; i++) _groupOf[i] = groupOfTensor[order[i]];
        }
        _learningRate = learningRate;
        _decoupled = decoupledWeightDecay;
        _l2 = l2WeightDecay;
    }

    private static Tensor[] ModelOrder(Module model) => [.. model.Parameters().Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>()];

    private static ParameterGroup[] ModelGroups(string kind, Module model, bool decayBiases)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Parameters().Any()) throw new ArgumentException($"{kind}: the parameter list is empty; there is nothing to optimize", nameof(model));
        return decayBiases ? [new(model.Parameters().Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToArray())] : ParameterGroup.WeightsAndBiases(model);
    }

    private static Tensor[] CheckParameters(string kind, List<Tensor> list, List<int> groupOf)
    {
        var seen = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        bool groups = groupOf.Count > 0 && groupOf[^1] > 0;
        for (int i = 0; i < list.Count; i++)
        {
            string where = groups ? $"parameter {i} (group {groupOf[i]})" : $"parameter {i}";
            var p = list[i] ?? throw new ArgumentException($"{kind}: {where} is null", "parameters");
            if (!p.IsLeaf)
                throw new ArgumentException($"{kind}: {where} ({Describe(p)}) is not a leaf (it was produced by '{p.GradFn!.Name}'); optimize the leaf tensor it was computed from", "parameters");
            if (!seen.TryAdd(p, i))
                throw new ArgumentException($"{kind}: {where} ({Describe(p)}) is also parameter {seen[p]}; it would be updated twice per step", "parameters");
        }
        return [.. list];
    }

    private static string Describe(Tensor t) => $"{t.Name ?? "unnamed"} {Shapes.Format(t.Shape)}";

    /// <summary>The optimizer's name as stored in checkpoints: sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw.</summary>
    public string Kind { get; }

    /// <summary>The parameters, in the order given (for a model, the order of <c>Parameters()</c>); state tensors are indexed by this order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>Number of parameter groups (1 over a tensor list; over a model, 2 when it has biases and they are not decayed).</summary>
    public int GroupCount => _groups.Length;

    /// <summary>The group parameter <paramref name="index"/> belongs to.</summary>
    public int GroupOf(int index) => _groupOf[index];

    /// <summary>The learning rate parameter <paramref name="index"/> is updated with: the optimizer's, times its group's ratio.</summary>
    public double LearningRateOf(int index) => _learningRate * _groups[_groupOf[index]].LrScale;

    /// <summary>The decoupled weight decay acting on parameter <paramref name="index"/> (its group's, else the optimizer's).</summary>
    public double DecoupledWeightDecayOf(int index) => _groups[_groupOf[index]].Decoupled ?? _decoupled;

    /// <summary>The coupled L2 weight decay acting on parameter <paramref name="index"/> (its group's, else the optimizer's).</summary>
    public double L2WeightDecayOf(int index) => _groups[_groupOf[index]].L2 ?? _l2;

    /// <summary>Number of <see cref="Step"/> calls so far (restored by <see cref="LoadState"/>).</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// The learning rate η of the next <see cref="Step"/> (a group with a rate of its own keeps its
    /// ratio to it). Schedules (<see cref="LRScheduler"/>) set it too.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not a finite number &gt; 0.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = Positive(nameof(LearningRate), value);
    }

    /// <summary>
    /// Decoupled weight decay λ (AdamW's): each step first does <c>w ← w − η·λ·w</c> on the
    /// parameters whose group does not set its own. Not an L2 term in the gradient (see <see cref="L2WeightDecay"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double DecoupledWeightDecay
    {
        get => _decoupled;
        set => _decoupled = NonNegative(nameof(DecoupledWeightDecay), value);
    }

    /// <summary>
    /// Coupled L2 weight decay λ₂ (PyTorch's <c>weight_decay</c> of SGD and Adam): the rule sees the
    /// gradient <c>g + λ₂·w</c>, on the parameters whose group does not set its own.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double L2WeightDecay
    {
        get => _l2;
        set => _l2 = NonNegative(nameof(L2WeightDecay), value);
    }

    // The hyperparameter setters' guards: each returns the value it accepted, or throws naming the optimizer and the hyperparameter.

    /// <summary><paramref name="value"/> if it is a finite number &gt; 0.</summary>
    protected double Positive(string name, double value)
    {
        Guard.Positive(Kind, name, value);
        return value;
    }

    /// <summary><paramref name="value"/> if it is a finite number ≥ 0.</summary>
    protected double NonNegative(string name, double value)
    {
        Guard.NonNegativeNumber(Kind, name, value);
        return value;
    }

    /// <summary><paramref name="value"/> if it lies in [0, 1) (a decay rate, a momentum).</summary>
    protected double Fraction(string name, double value)
    {
        Guard.InRange(Kind, name, value, 0, 1, maxExclusive: true);
        return value;
    }

    /// <summary>A schedule may anneal the rate down to exactly 0 (cosine to a minimum of 0); users may not set 0 by hand.</summary>
    internal void SetScheduledLearningRate(double value)
    {
        Guard.NonNegativeNumber(Kind, nameof(LearningRate), value);
        _learningRate = value;
    }

    /// <summary>
    /// One update of every parameter that has a gradient, each with its group's rate and decays:
    /// the rule sees <c>g + λ₂·w</c> when coupled L2 decay λ₂ &gt; 0 (the gradient tensor itself is
    /// not changed), the weight first shrinks to <c>(1 − ηλ)·w</c> when decoupled decay λ &gt; 0, then
    /// the subclass's rule runs. Writes in place into the parameters' buffers, outside the tape,
    /// allocating nothing. A launch: inside <see cref="Memory.StepPlan.Capture"/> each replay runs
    /// the update again with the optimizer's state and hyperparameters at that time.
    /// </summary>
    public void Step() => Launch.Run(new StepLaunch(this));

    private readonly struct StepLaunch(Optimizer optimizer) : ILaunch
    {
        public void Run() => optimizer.StepCore();
    }

    private void StepCore()
    {
        StepCount++;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            var g = p.Grad;
            if (g is null) continue;
            // The version bump lets a retained graph that saved this parameter notice it changed.
            p.Storage.Version++;
            double l2 = L2WeightDecayOf(i), decoupled = DecoupledWeightDecayOf(i);
            if (p.DType == DType.Float32) StepOne<float>(i, p.SpanF, g.SpanF, l2, decoupled, ref _decayedGradF);
            else StepOne<double>(i, p.SpanD, g.SpanD, l2, decoupled, ref _decayedGradD);
        }
    }

    private void StepOne<T>(int i, Span<T> w, ReadOnlySpan<T> g, double l2, double decoupled, ref T[]? decayedBuffer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (l2 > 0)
        {
            // g + λ₂·w into a buffer of the optimizer's own (the rule's scratch stays free), from the weight before decay.
            decayedBuffer ??= new T[MaxNumel(typeof(T) == typeof(float) ? DType.Float32 : DType.Float64)];
            var decayed = decayedBuffer.AsSpan(0, g.Length);
            TensorPrimitives.MultiplyAdd(w, Scalar<T>(l2), g, decayed);
            g = decayed;
        }
        if (decoupled > 0) TensorPrimitives.Multiply(w, Scalar<T>(1 - LearningRateOf(i) * decoupled), w);
        Update<T>(i, w, g);
    }

    /// <summary>Sets every parameter's gradient to zero, keeping its buffer (no allocation on the next backward).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.ZeroGrad();
    }

    /// <summary>
    /// The rule of this optimizer for parameter <paramref name="index"/>: changes
    /// <paramref name="weight"/> in place given its gradient, using the learning rate and the
    /// parameter's state tensors.
    /// </summary>
    protected abstract void Update<T>(int index, Span<T> weight, ReadOnlySpan<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The subclass's hyperparameters other than lr and the decays, by the names used in checkpoints.</summary>
    protected abstract IEnumerable<KeyValuePair<string, double>> ExtraHyperparameters();

    /// <summary>
    /// Validates the subclass's hyperparameters read from a saved state and returns the action
    /// that assigns them; throws (changing nothing) if one is missing or invalid.
    /// </summary>
    protected abstract Action PrepareHyperparameters(IReadOnlyDictionary<string, double> values);

    /// <summary>Reads a required hyperparameter from a saved state.</summary>
    /// <exception cref="ArgumentException">The state lacks it.</exception>
    protected double Require(IReadOnlyDictionary<string, double> values, string name) =>
        values.TryGetValue(name, out var v) ? v
            : throw new ArgumentException($"{Kind}.LoadState: the state has no hyperparameter '{name}' (it has: {string.Join(", ", values.Keys)})", "state");

    /// <summary>
    /// Allocates a zero state tensor for parameter <paramref name="index"/>, named
    /// "<c>index.name</c>" in <see cref="State"/>; by default with the parameter's shape and dtype.
    /// Call from the subclass constructor only.
    /// </summary>
    protected Tensor AddState(int index, string name, int[]? shape = null, DType? dtype = null)
    {
        var p = _parameters[index];
        var t = Tensor.Zeros(dtype ?? p.DType, shape ?? p.ShapeArray);
        t.Name = $"{index}.{name}";
        _state.Add(new StateSlot(index, name, t));
        return t;
    }

    /// <summary>
    /// A scratch buffer of <paramref name="length"/> elements shared by all parameters of one
    /// dtype, allocated once (on first use) with the size of the largest parameter.
    /// </summary>
    protected Span<T> Scratch<T>(int length) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            _scratchF ??= new float[MaxNumel(DType.Float32)];
            return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_scratchF.AsSpan(0, length));
        }
        _scratchD ??= new double[MaxNumel(DType.Float64)];
        return System.Runtime.InteropServices.MemoryMarshal.Cast<double, T>(_scratchD.AsSpan(0, length));
    }

    private int MaxNumel(DType dtype)
    {
        int m = 0;
        foreach (var p in _parameters) if (p.DType == dtype) m = Math.Max(m, p.Numel);
        return m;
    }

    /// <summary>Converts a coefficient computed in double to the parameter's element type.</summary>
    protected static T Scalar<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(value);

    /// <summary>
    /// A snapshot of everything needed to resume: kind, step count, hyperparameters (lr,
    /// decoupled_weight_decay, l2_weight_decay, the rule's own, and each group's: groups,
    /// group{g}.size, group{g}.lr_scale and the decays a group sets) and copies of the state
    /// tensors, named "<c>parameterIndex.name</c>" (e.g. <c>0.velocity</c>, <c>3.exp_avg</c>).
    /// </summary>
    public OptimizerState State()
    {
        var hyper = new OrderedDictionary<string, double> { ["lr"] = _learningRate, ["decoupled_weight_decay"] = _decoupled, ["l2_weight_decay"] = _l2 };
        foreach (var (k, v) in ExtraHyperparameters()) hyper[k] = v;
        hyper["groups"] = _groups.Length;
        for (int g = 0; g < _groups.Length; g++)
        {
            hyper[$"group{g}.size"] = _groups[g].Size;
            hyper[$"group{g}.lr_scale"] = _groups[g].LrScale;
            if (_groups[g].Decoupled is { } d) hyper[$"group{g}.decoupled_weight_decay"] = d;
            if (_groups[g].L2 is { } l) hyper[$"group{g}.l2_weight_decay"] = l;
        }
        var tensors = new OrderedDictionary<string, Tensor>();
        foreach (var s in _state) tensors[s.Value.Name!] = s.Value.Clone();
        return new OptimizerState(Kind, StepCount, _parameters.Length, hyper, tensors);
    }

    /// <summary>
    /// Restores a state from <see cref="State"/> (or a checkpoint). Everything is validated
    /// first (kind, parameter count, hyperparameters, the exact set of state tensor names, each
    /// shape and dtype); on any mismatch it throws and changes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The state does not fit this optimizer; the message says what was expected and what was found.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter in the state is out of range.</exception>
    public void LoadState(OptimizerState state) => PrepareLoad(state)();

    /// <summary>Validates <paramref name="state"/> against this optimizer and returns the action that applies it (which cannot fail).</summary>
    internal Action PrepareLoad(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string op = $"{Kind}.LoadState";
        if (state.Kind != Kind)
            throw new ArgumentException($"{op}: the state is for a '{state.Kind}' optimizer, not '{Kind}'", nameof(state));
        if (state.ParameterCount != _parameters.Length)
            throw new ArgumentException($"{op}: the state is for {state.ParameterCount} parameters but this optimizer has {_parameters.Length}", nameof(state));
        if (state.Step < 0)
            throw new ArgumentOutOfRangeException(nameof(state), state.Step, $"{op}: step count must be >= 0, got {state.Step}");
        var h = state.Hyperparameters;
        double lr = Require(h, "lr");
        // A state written before the two decays were told apart has "weight_decay", which was the decoupled one.
        double decoupled = h.TryGetValue("decoupled_weight_decay", out var dv) ? dv : Require(h, "weight_decay");
        double l2 = h.TryGetValue("l2_weight_decay", out var lv) ? lv : 0;
        Guard.NonNegativeNumber(op, "lr", lr);
        Guard.NonNegativeNumber(op, "decoupled_weight_decay", decoupled);
        Guard.NonNegativeNumber(op, "l2_weight_decay", l2);
        var groups = PrepareGroups(op, h);
        var applyHyper = PrepareHyperparameters(h);

        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in _state)
        {
            string name = s.Value.Name!;
            expected.Add(name);
            if (!state.Tensors.TryGetValue(name, out var t))
                throw new ArgumentException($"{op}: the state has no tensor '{name}' (expected one {s.Value.DType.Name()} {Shapes.Format(s.Value.Shape)} for parameter {s.Index})", nameof(state));
            if (t.DType != s.Value.DType || !Shapes.Equal(t.Shape, s.Value.Shape))
                throw new ArgumentException($"{op}: state tensor '{name}' is {t.DType.Name()} {Shapes.Format(t.Shape)} but {s.Value.DType.Name()} {Shapes.Format(s.Value.Shape)} was expected (parameter {s.Index} is {Describe(_parameters[s.Index])})", nameof(state));
        }
        foreach (var name in state.Tensors.Keys)
            if (!expected.Contains(name))
                throw new ArgumentException($"{op}: the state has an unexpected tensor '{name}'; a {Kind} optimizer over these parameters keeps: {(expected.Count == 0 ? "none" : string.Join(", ", _state.Select(s => s.Value.Name)))}", nameof(state));

        return () =>
        {
            _learningRate = lr;
            _decoupled = decoupled;
            _l2 = l2;
            if (groups is not null)
                for (int g = 0; g < _groups.Length; g++) (_groups[g].LrScale, _groups[g].Decoupled, _groups[g].L2) = groups[g];
            applyHyper();
            StepCount = state.Step;
            foreach (var s in _state)
            {
                var src = state.Tensors[s.Value.Name!];
                if (src.DType == DType.Float32) src.SpanF.CopyTo(s.Value.SpanF); else src.SpanD.CopyTo(s.Value.SpanD);
            }
        };
    }

    /// <summary>The groups' settings in a saved state, checked against this optimizer's groups; null for a state that has none (written before groups).</summary>
    private (double LrScale, double? Decoupled, double? L2)[]? PrepareGroups(string op, IReadOnlyDictionary<string, double> h)
    {
        if (!h.TryGetValue("groups", out var count)) return null;
        if (count != _groups.Length)
            throw new ArgumentException($"{op}: the state has {count} parameter groups but this optimizer has {_groups.Length}", "state");
        var r = new (double, double?, double?)[_groups.Length];
        for (int g = 0; g < _groups.Length; g++)
        {
            double size = Require(h, $"group{g}.size");
            if (size != _groups[g].Size)
                throw new ArgumentException($"{op}: group {g} of the state has {size} parameters but this optimizer's group {g} has {_groups[g].Size}", "state");
            double scale = Require(h, $"group{g}.lr_scale");
            Guard.Positive(op, $"group{g}.lr_scale", scale);
            double? d = h.TryGetValue($"group{g}.decoupled_weight_decay", out var dv) ? dv : null;
            double? l = h.TryGetValue($"group{g}.l2_weight_decay", out var lv) ? lv : null;
            if (d is { } dd) Guard.NonNegativeNumber(op, $"group{g}.decoupled_weight_decay", dd);
            if (l is { } ll) Guard.NonNegativeNumber(op, $"group{g}.l2_weight_decay", ll);
            r[g] = (scale, d, l);
        }
        return r;
    }

    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"];

    /// <summary>
    /// An optimizer by name (as on the command line: sgd, momentum, nesterov, adagrad, rmsprop,
    /// adam, adamw) over a model, with that optimizer's defaults for everything but the learning
    /// rate and the weight decays.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Invalid learning rate or weight decay.</exception>
    public static Optimizer Create(string kind, Module model, double learningRate, double decoupledWeightDecay = 0, double l2WeightDecay = 0) => kind switch
    {
        "sgd" => new Sgd(model, learningRate, decoupledWeightDecay, l2WeightDecay),
        "momentum" => new Momentum(model, learningRate, decoupledWeightDecay: decoupledWeightDecay, l2WeightDecay: l2WeightDecay),
        "nesterov" => new Nesterov(model, learningRate, decoupledWeightDecay: decoupledWeightDecay, l2WeightDecay: l2WeightDecay),
        "adagrad" => new Adagrad(model, learningRate, decoupledWeightDecay: decoupledWeightDecay, l2WeightDecay: l2WeightDecay),
        "rmsprop" => new RmsProp(model, learningRate, decoupledWeightDecay: decoupledWeightDecay, l2WeightDecay: l2WeightDecay),
        "adam" => new Adam(model, learningRate, decoupledWeightDecay: decoupledWeightDecay, l2WeightDecay: l2WeightDecay),
        "adamw" => new AdamW(model, learningRate, decoupledWeightDecay: decoupledWeightDecay, l2WeightDecay: l2WeightDecay),
        _ => throw new ArgumentException($"Optimizer.Create: unknown optimizer '{kind}'; expected one of: {string.Join(", ", Kinds)}", nameof(kind)),
    };
}
