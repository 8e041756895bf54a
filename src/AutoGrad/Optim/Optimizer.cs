using System.Numerics;
using System.Numerics.Tensors;
using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>
/// Base of every optimizer: a fixed list of parameters, a learning rate η, decoupled weight decay
/// λ, and per-parameter state tensors allocated once. <see cref="Step"/> applies
/// <c>w ← w − η·λ·w</c> (to the parameters chosen for decay) and then the subclass's update rule,
/// writing straight into the parameters' buffers with <see cref="TensorPrimitives"/>: nothing is
/// recorded on the tape and nothing is allocated in steady state.
/// </summary>
/// <remarks>
/// Weight decay here is <b>decoupled</b> (Loshchilov and Hutter's AdamW form): it shrinks the
/// weights directly and never enters the gradient or the adaptive statistics. It is not an L2
/// penalty added to the loss (that one lives in <c>AutoGrad.NN.Regularization</c>, is part of the
/// loss value and of every gradient check). For plain SGD the two give the same step when λ
/// equals the penalty's coefficient in <c>(λ/2)‖w‖²</c>; for momentum and adaptive methods they differ.
/// Parameters whose <see cref="Tensor.Grad"/> is null are skipped (their state is untouched).
/// </remarks>
public abstract class Optimizer
{
    private readonly Tensor[] _parameters;
    private readonly bool[] _decay;
    private readonly List<StateSlot> _state = [];
    private double _learningRate;
    private double _weightDecay;
    private float[]? _scratchF;
    private double[]? _scratchD;

    private readonly record struct StateSlot(int Index, string Name, Tensor Value);

    /// <summary>
    /// Creates an optimizer over <paramref name="parameters"/>. A plain list does not say which
    /// tensors are biases, so the rank-1 ones are taken to be (a <c>Linear</c>'s b is [out], its W
    /// [in, out]) and weight decay leaves them out, as it does for a model's registered biases,
    /// unless <paramref name="decayBiases"/> is true (then it acts on every tensor of the list).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, holds a null, a duplicate, or a tensor that is not a leaf.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is not &gt; 0 or the weight decay is negative.</exception>
    protected Optimizer(string kind, IEnumerable<Tensor> parameters, double learningRate, double weightDecay, bool decayBiases = false)
        : this(kind, CheckParameters(kind, parameters), decayBiases, learningRate, weightDecay)
    {
    }

    private Optimizer(string kind, Tensor[] parameters, bool decayBiases, double learningRate, double weightDecay)
        : this(kind, parameters, decayBiases ? null : new HashSet<Tensor>(parameters.Where(p => p.Rank == 1), ReferenceEqualityComparer.Instance), learningRate, weightDecay)
    {
    }

    /// <summary>
    /// Creates an optimizer over <c>model.Parameters()</c> (a tensor registered under two names,
    /// for weight sharing, counts once). Weight decay leaves the model's biases out unless
    /// <paramref name="decayBiases"/> is true, as the notes do for L2 (seed 001).
    /// </summary>
    /// <exception cref="ArgumentException">The model has no parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is not &gt; 0 or the weight decay is negative.</exception>
    protected Optimizer(string kind, Module model, double learningRate, double weightDecay, bool decayBiases)
        : this(kind, CheckParameters(kind, Distinct((model ?? throw new ArgumentNullException(nameof(model))).Parameters())),
               decayBiases ? null : new HashSet<Tensor>(model.Biases(), ReferenceEqualityComparer.Instance), learningRate, weightDecay)
    {
    }

    private Optimizer(string kind, Tensor[] parameters, HashSet<Tensor>? noDecay, double learningRate, double weightDecay)
    {
        Guard.Positive(kind, nameof(learningRate), learningRate);
        Guard.NonNegativeNumber(kind, nameof(weightDecay), weightDecay);
        Kind = kind;
        _parameters = parameters;
        _decay = new bool[parameters.Length];
        for (int i = 0; i < parameters.Length; i++) _decay[i] = noDecay is null || !noDecay.Contains(parameters[i]);
        _learningRate = learningRate;
        _weightDecay = weightDecay;
    }

    private static Tensor[] CheckParameters(string kind, IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToArray();
        if (list.Length == 0) throw new ArgumentException($"{kind}: the parameter list is empty; there is nothing to optimize", nameof(parameters));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < list.Length; i++)
        {
            var p = list[i] ?? throw new ArgumentException($"{kind}: parameter {i} is null", nameof(parameters));
            if (!p.IsLeaf)
                throw new ArgumentException($"{kind}: parameter {i} ({Describe(p)}) is not a leaf (it was produced by '{p.GradFn!.Name}'); optimize the leaf tensor it was computed from", nameof(parameters));
            if (!seen.Add(p))
                throw new ArgumentException($"{kind}: parameter {i} ({Describe(p)}) appears twice in the list; it would be updated twice per step", nameof(parameters));
        }
        return list;
    }

    // A tensor shared by two layers of a model (weight sharing) is one parameter to update, once per step.
    private static IEnumerable<Tensor> Distinct(IEnumerable<Tensor> parameters) => parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>();

    private static string Describe(Tensor t) => $"{t.Name ?? "unnamed"} {Shapes.Format(t.Shape)}";

    /// <summary>The optimizer's name as stored in checkpoints: sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw.</summary>
    public string Kind { get; }

    /// <summary>The parameters, in the order given (for a model, the order of <c>Parameters()</c>); state tensors are indexed by this order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>Whether decoupled weight decay acts on parameter <paramref name="index"/>.</summary>
    public bool IsDecayed(int index) => _decay[index];

    /// <summary>Number of <see cref="Step"/> calls so far (restored by <see cref="LoadState"/>).</summary>
    public long StepCount { get; private set; }

    /// <summary>The learning rate η used by the next <see cref="Step"/>. Schedules (<see cref="LRScheduler"/>) set it too.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not a finite number &gt; 0.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = Positive(nameof(LearningRate), value);
    }

    /// <summary>
    /// Decoupled weight decay λ: each step first does <c>w ← w − η·λ·w</c> on the decayed
    /// parameters. Not an L2 penalty on the loss (see the class remarks).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double WeightDecay
    {
        get => _weightDecay;
        set => _weightDecay = NonNegative(nameof(WeightDecay), value);
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
    /// One update of every parameter that has a gradient: decoupled decay <c>w ← (1 − ηλ)·w</c>
    /// (if λ &gt; 0 and the parameter is decayed), then the subclass's rule. Writes in place into
    /// the parameters' buffers, outside the tape, allocating nothing. A launch: inside
    /// <see cref="Memory.StepPlan.Capture"/> each replay runs the update again with the optimizer's
    /// state and hyperparameters (learning rate) at that time.
    /// </summary>
    public void Step() => Launch.Run(new StepLaunch(this));

    private readonly struct StepLaunch(Optimizer optimizer) : ILaunch
    {
        public void Run() => optimizer.StepCore();
    }

    private void StepCore()
    {
        StepCount++;
        double decayFactor = 1 - _learningRate * _weightDecay;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            var g = p.Grad;
            if (g is null) continue;
            // The version bump lets a retained graph that saved this parameter notice it changed.
            p.Storage.Version++;
            bool decay = _weightDecay > 0 && _decay[i];
            if (p.DType == DType.Float32)
            {
                var w = p.SpanF;
                if (decay) TensorPrimitives.Multiply(w, (float)decayFactor, w);
                Update<float>(i, w, g.SpanF);
            }
            else
            {
                var w = p.SpanD;
                if (decay) TensorPrimitives.Multiply(w, decayFactor, w);
                Update<double>(i, w, g.SpanD);
            }
        }
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

    /// <summary>The subclass's hyperparameters other than lr and weight_decay, by the names used in checkpoints.</summary>
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
    /// weight_decay and the rule's own) and copies of the state tensors, named
    /// "<c>parameterIndex.name</c>" (e.g. <c>0.velocity</c>, <c>3.exp_avg</c>).
    /// </summary>
    public OptimizerState State()
    {
        var hyper = new OrderedDictionary<string, double> { ["lr"] = _learningRate, ["weight_decay"] = _weightDecay };
        foreach (var (k, v) in ExtraHyperparameters()) hyper[k] = v;
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
        double lr = Require(state.Hyperparameters, "lr");
        double wd = Require(state.Hyperparameters, "weight_decay");
        Guard.NonNegativeNumber(op, "lr", lr);
        Guard.NonNegativeNumber(op, "weight_decay", wd);
        var applyHyper = PrepareHyperparameters(state.Hyperparameters);

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
            _weightDecay = wd;
            applyHyper();
            StepCount = state.Step;
            foreach (var s in _state)
            {
                var src = state.Tensors[s.Value.Name!];
                if (src.DType == DType.Float32) src.SpanF.CopyTo(s.Value.SpanF); else src.SpanD.CopyTo(s.Value.SpanD);
            }
        };
    }

    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"];

    /// <summary>
    /// An optimizer by name (as on the command line: sgd, momentum, nesterov, adagrad, rmsprop,
    /// adam, adamw) over a model, with that optimizer's defaults for everything but the learning
    /// rate and weight decay.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Invalid learning rate or weight decay.</exception>
    public static Optimizer Create(string kind, Module model, double learningRate, double weightDecay = 0) => kind switch
    {
        "sgd" => new Sgd(model, learningRate, weightDecay),
        "momentum" => new Momentum(model, learningRate, weightDecay: weightDecay),
        "nesterov" => new Nesterov(model, learningRate, weightDecay: weightDecay),
        "adagrad" => new Adagrad(model, learningRate, weightDecay: weightDecay),
        "rmsprop" => new RmsProp(model, learningRate, weightDecay: weightDecay),
        "adam" => new Adam(model, learningRate, weightDecay: weightDecay),
        "adamw" => new AdamW(model, learningRate, weightDecay: weightDecay),
        _ => throw new ArgumentException($"Optimizer.Create: unknown optimizer '{kind}'; expected one of: {string.Join(", ", Kinds)}", nameof(kind)),
    };
}
