using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

/// <summary>
/// An n-dimensional dense array of float32 or float64 values in row-major order, which records
/// the ops applied to it on the tape when it (or an input) requires a gradient.
/// </summary>
/// <remarks>
/// Tensors are always contiguous. Reshape and detach share storage; every other op writes a new
/// tensor. Ops are instance methods (<c>x.Exp()</c>), static methods (<c>Tensor.Matmul(a, b)</c>)
/// and operators (<c>a * b + 1</c>).
/// </remarks>
public sealed partial class Tensor
{
    // Mutable only for a StepScope, which recycles op results' handles (see Revive and Kill).
    internal int[] ShapeArray;
    internal Storage Storage;
    private bool _requiresGrad;

    /// <summary>
    /// What few handles use (a name, a gradient, a recycled buffer object), allocated on first
    /// use: an op result then costs four references and two integers.
    /// </summary>
    private sealed class Extras
    {
        public string? Name;
        public Tensor? Grad;
        public bool GradPendingZero;

        /// <summary>The buffer object this handle owns and recycles with its step scope (op results inside a StepScope only).</summary>
        public Storage? Recycled;

        /// <summary>Forward mode: the tangent at each dual level this tensor is dual at, newest first.</summary>
        public Autograd.TangentEntry? Tangents;
    }

    /// <summary>Forward mode: this tensor's tangents, one per dual level, newest first (closed levels included until replaced).</summary>
    internal Autograd.TangentEntry? Tangents => _extras?.Tangents;

    /// <summary>The tangent at <paramref name="level"/> when it is open and seen by ops now, else null (zero).</summary>
    internal Tensor? TangentAt(Autograd.DualLevel level)
    {
        for (var e = _extras?.Tangents; e is not null; e = e.Next)
            if (ReferenceEquals(e.Level, level)) return Autograd.ForwardMode.IsLive(level) ? e.Value : null;
        return null;
    }

    /// <summary>Sets the tangent at <paramref name="level"/>, dropping tangents of closed levels on the way.</summary>
    internal void SetTangent(Autograd.DualLevel level, Tensor tangent)
    {
        if (_extras?.Tangents is null)
        {
            More.Tangents = new(level, tangent, null);
            return;
        }
        Autograd.TangentEntry? kept = null;
        var list = new List<Autograd.TangentEntry>();
        for (var e = _extras?.Tangents; e is not null; e = e.Next)
            if (e.Level.IsOpen && !ReferenceEquals(e.Level, level)) list.Add(e);
        list.Add(new(level, tangent, null));
        list.Sort((a, b) => a.Level.Id.CompareTo(b.Level.Id));
        foreach (var e in list) kept = new(e.Level, e.Value, kept);
        More.Tangents = kept;
    }

    private Extras? _extras;

    private Extras More => _extras ??= new Extras();

    private Tensor? StoredGrad
    {
        get => _extras?.Grad;
        set { if (value is not null || _extras is not null) More.Grad = value; }
    }

    /// <summary>
    /// True after <see cref="ZeroGrad"/> until the gradient is next read or written: the buffer
    /// is zeroed lazily, so a backward that follows overwrites it in one pass instead of clearing
    /// and then adding.
    /// </summary>
    private bool GradPendingZero
    {
        get => _extras is { GradPendingZero: true };
        set { if (value || _extras is not null) More.GradPendingZero = value; }
    }

    /// <summary>Element type.</summary>
    public DType DType { get; private set; }

    /// <summary>Number of elements (1 for a scalar, 0 when a dimension is 0).</summary>
    public int Numel { get; private set; }

    /// <summary>The op that produced this tensor, or null for a leaf (created by the user, or computed with nothing to record).</summary>
    /// <exception cref="ObjectDisposedException">The tensor is an op result of a StepScope that has ended.</exception>
    public Node? GradFn
    {
        get => ReferenceEquals(Storage, Storage.Dead) ? throw Storage.ReleasedError() : Producer;
        internal set => Producer = value;
    }

    // GradFn without the dead-handle check, for the tape and the ops (they check the storage where they read it).
    internal Node? Producer;

    /// <summary>Optional name, used by Explain, DOT export and error messages.</summary>
    public string? Name
    {
        get => _extras?.Name;
        set { if (value is not null || _extras is not null) More.Name = value; }
    }

    internal Tensor(int[] shape, DType dtype, Storage storage) : this(shape, dtype, storage, Shapes.Numel(shape)) { }

    private Tensor(int[] shape, DType dtype, Storage storage, int numel)
    {
        ShapeArray = shape;
        DType = dtype;
        Storage = storage;
        Numel = numel;
    }

    /// <summary>
    /// An op result whose contents are undefined (the kernel writes every element): pooled inside a
    /// StepScope, else allocated. Every op's output starts here or at <see cref="EmptyZeroed"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Tensor Empty(int[] shape, DType dtype)
    {
        if (Memory.StepScope.Recycling is { } scope) return scope.Result(shape, dtype);
        int numel = Shapes.Numel(shape);
        return new(shape, dtype, Storage.ForOpResult(dtype, numel), numel);
    }

    /// <summary>A new handle on <paramref name="storage"/> (a reshape, a detach): recycled with the step scope inside one.</summary>
    internal static Tensor View(int[] shape, DType dtype, Storage storage)
    {
        if (Memory.StepScope.Recycling is { } scope) return scope.View(shape, dtype, storage);
        return new(shape, dtype, storage);
    }

    /// <summary>Makes a recycled handle an op result of <paramref name="shape"/> with a pooled buffer (<paramref name="recycle"/>) or a view of <paramref name="storage"/>.</summary>
    internal void Revive(int[] shape, DType dtype, Storage? storage, bool recycle)
    {
        ShapeArray = shape;
        DType = dtype;
        Numel = Shapes.Numel(shape);
        if (recycle)
        {
            var own = More.Recycled ??= new Storage(Array.Empty<float>());
            own.Rent(dtype, Numel);
            Storage = own;
        }
        else Storage = storage!;
    }

    /// <summary>Ends a recycled handle's life with its scope: its buffer goes back to the pool and every later use throws.</summary>
    internal void Kill()
    {
        _extras?.Recycled?.Release();
        Storage = Storage.Dead;
        Producer = null;
        Name = null;
        StoredGrad = null;
        GradPendingZero = false;
        _requiresGrad = false;
        if (_extras is not null) _extras.Tangents = null;
    }

    /// <summary>A zero-filled op result, for kernels that write only some elements or accumulate.</summary>
    internal static Tensor EmptyZeroed(int[] shape, DType dtype)
    {
        var t = Empty(shape, dtype);
        Launch.Run(new ClearLaunch(t));
        return t;
    }

    /// <summary>A zero-filled tensor that is never recycled (creation functions, gradients).</summary>
    internal static Tensor Allocate(int[] shape, DType dtype)
    {
        var s = Storage.Allocate(dtype, Shapes.Numel(shape));
        Launch.Created(s);
        return new(shape, dtype, s);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Tensor EmptyLike(Tensor t) => Empty(t.ShapeArray, t.DType);

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => ShapeArray;

    /// <summary>Number of dimensions.</summary>
    public int Rank => ShapeArray.Length;

    /// <summary>Size of one dimension; negative axes count from the end.</summary>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    public int Size(int axis) => ShapeArray[Shapes.NormalizeAxis("size", axis, Rank)];

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves only; a tensor computed from
    /// inputs that require grad requires grad itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a non-leaf tensor.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad || Producer is not null;
        set
        {
            if (Producer is not null)
                throw new InvalidOperationException(
                    $"RequiresGrad can only be set on a leaf tensor; this one was produced by '{Producer.Name}'. Use .Detach() to get a leaf.");
            _requiresGrad = value;
        }
    }

    /// <summary>True when no recorded op produced this tensor.</summary>
    public bool IsLeaf => Producer is null;

    /// <summary>
    /// The accumulated gradient of the last <c>Backward</c> calls (null before the first).
    /// Backward adds into it; <see cref="ZeroGrad"/> clears it.
    /// </summary>
    /// <exception cref="ArgumentException">Assigned a tensor of a different shape or dtype.</exception>
    public Tensor? Grad
    {
        get
        {
            // Reading a gradient that ZeroGrad left pending clears it: a launch, so it happens at every replay too.
            Launch.Run(new MaterializeGradLaunch(this));
            return StoredGrad;
        }
        set
        {
            if (value is not null)
            {
                Guard.SameDType("Grad", this, value);
                Guard.SameShape("Grad", this, value);
            }
            Launch.Run(new SetGradLaunch(this, value), value);
        }
    }

    private void ClearPendingGrad()
    {
        GradPendingZero = false;
        if (StoredGrad is null) return;
        if (DType == DType.Float32) StoredGrad.SpanF.Clear(); else StoredGrad.SpanD.Clear();
    }

    /// <summary>Sets every element of <see cref="Grad"/> to zero (keeping its buffer), if it exists.</summary>
    public void ZeroGrad() => Launch.Run(new ZeroGradLaunch(this));

    private void ZeroGradCore()
    {
        if (StoredGrad is null) return;
        if (StoredGrad.Producer is not null) { StoredGrad = null; return; }
        StoredGrad.Storage.Version++;
        GradPendingZero = true;
    }

    /// <summary>The gradient buffer for the tape to accumulate into, and whether it must be overwritten rather than added to.</summary>
    internal Tensor? GradForAccumulation(out bool overwrite)
    {
        overwrite = GradPendingZero;
        GradPendingZero = false;
        return StoredGrad;
    }

    internal Span<float> SpanF
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var f = Storage.F;
            if (f is null) ThrowNoData(DType.Float32);
            return new Span<float>(f, 0, Numel);
        }
    }

    internal Span<double> SpanD
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var d = Storage.D;
            if (d is null) ThrowNoData(DType.Float64);
            return new Span<double>(d, 0, Numel);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowNoData(DType asked)
    {
        if (Storage.Released) throw Storage.ReleasedError();
        throw new InvalidOperationException($"internal: a {DType.Name()} tensor was read as {asked.Name()}");
    }

    internal int Version => Storage.Version;

    /// <summary>
    /// The elements as a span of <typeparamref name="T"/> (<see cref="float"/> for Float32,
    /// <see cref="double"/> for Float64). Writing through it bypasses the tape: do it only on
    /// tensors that no recorded op has saved.
    /// </summary>
    /// <exception cref="InvalidOperationException">T does not match the dtype.</exception>
    /// <exception cref="InvalidOperationException">Called inside <see cref="Memory.StepPlan.Capture"/> (span code is not replayed).</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        Launch.HostCode("AsSpan", "code working on a span runs once, at capture, and replay does not run it again; write the computation with tensor ops, or do it outside the step");
        if (typeof(T) == typeof(float) && DType == DType.Float32) return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(SpanF);
        if (typeof(T) == typeof(double) && DType == DType.Float64) return System.Runtime.InteropServices.MemoryMarshal.Cast<double, T>(SpanD);
        throw new InvalidOperationException($"AsSpan<{typeof(T).Name}>: the tensor's dtype is {DType.Name()}");
    }

    /// <summary>A copy of the elements as float32, converting if needed.</summary>
    /// <exception cref="InvalidOperationException">Called inside <see cref="Memory.StepPlan.Capture"/>.</exception>
    public float[] ToFloatArray()
    {
        Launch.HostCode("ToFloatArray", Launch.ReadRefusal);
        if (DType == DType.Float32) return SpanF.ToArray();
        var r = new float[Numel];
        var d = SpanD;
        for (int i = 0; i < r.Length; i++) r[i] = (float)d[i];
        return r;
    }

    /// <summary>A copy of the elements as float64, converting if needed.</summary>
    /// <exception cref="InvalidOperationException">Called inside <see cref="Memory.StepPlan.Capture"/>.</exception>
    public double[] ToDoubleArray()
    {
        Launch.HostCode("ToDoubleArray", Launch.ReadRefusal);
        if (DType == DType.Float64) return SpanD.ToArray();
        var r = new double[Numel];
        var f = SpanF;
        for (int i = 0; i < r.Length; i++) r[i] = f[i];
        return r;
    }

    /// <summary>The single element of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element, or Item is called inside <see cref="Memory.StepPlan.Capture"/>.</exception>
    public double Item()
    {
        Launch.HostCode("Item()", Launch.ReadRefusal);
        if (Numel != 1)
            throw new InvalidOperationException($"Item: only a one-element tensor converts to a number; this one has shape {Shapes.Format(ShapeArray)} ({Numel} elements)");
        return GetFlat(0);
    }

    internal double GetFlat(int i) => DType == DType.Float32 ? SpanF[i] : SpanD[i];

    internal void SetFlat(int i, double v)
    {
        if (DType == DType.Float32) SpanF[i] = (float)v; else SpanD[i] = v;
    }

    /// <summary>Reads or writes one element. Writing is an in-place change: see <see cref="CopyFrom"/>.</summary>
    /// <exception cref="IndexOutOfRangeException">Wrong number of indices or an index out of range.</exception>
    /// <exception cref="InvalidOperationException">Read inside <see cref="Memory.StepPlan.Capture"/>.</exception>
    [IndexerName("At")]
    public double this[params int[] index]
    {
        get
        {
            Launch.HostCode("the indexer's get", Launch.ReadRefusal);
            return GetFlat(FlatIndex(index));
        }
        set
        {
            int i = FlatIndex(index);
            GuardInPlace("indexer set");
            Launch.Run(new SetElementLaunch(this, i, value), this);
        }
    }

    internal int FlatIndex(ReadOnlySpan<int> index)
    {
        if (index.Length != Rank)
            throw new IndexOutOfRangeException($"index: got {index.Length} indices for a tensor of shape {Shapes.Format(ShapeArray)} (rank {Rank})");
        int flat = 0;
        for (int d = 0; d < Rank; d++)
        {
            int ix = index[d] < 0 ? index[d] + ShapeArray[d] : index[d];
            if (ix < 0 || ix >= ShapeArray[d])
                throw new IndexOutOfRangeException($"index: index {index[d]} is out of range for axis {d} of size {ShapeArray[d]} (shape {Shapes.Format(ShapeArray)})");
            flat = flat * ShapeArray[d] + ix;
        }
        return flat;
    }

    /// <summary>
    /// Guards an in-place write: refused on a tensor the tape depends on (a non-leaf, or a leaf that
    /// requires grad while recording). The write's launch then bumps the version counter, so saved
    /// copies are known to be stale.
    /// </summary>
    internal void GuardInPlace(string op)
    {
        if (Tape.IsRecording && RequiresGrad)
            throw new InvalidOperationException(
                $"{op}: in-place change of a tensor that requires grad while the tape is recording would corrupt its gradients; " +
                "wrap the change in 'using (Tape.NoGrad()) { ... }' or change a .Detach()ed copy");
        if (Autograd.ForwardMode.HasTangent(this))
            throw new InvalidOperationException(
                $"{op}: in-place change of a dual tensor (one carrying a forward-mode tangent) would leave its tangent stale; " +
                "compute a new tensor instead, or change it outside the dual level");
    }

    /// <summary>Copies the values of <paramref name="source"/> (same shape and dtype) into this tensor, in place.</summary>
    /// <exception cref="ArgumentException">Shapes or dtypes differ.</exception>
    /// <exception cref="InvalidOperationException">This tensor requires grad and the tape is recording.</exception>
    public void CopyFrom(Tensor source)
    {
        Guard.SameDType("CopyFrom", this, source);
        Guard.SameShape("CopyFrom", this, source);
        GuardInPlace("CopyFrom");
        Launch.Run(new CopyLaunch(source, this), source, this);
    }

    /// <summary>Sets every element to <paramref name="value"/>, in place.</summary>
    /// <exception cref="InvalidOperationException">This tensor requires grad and the tape is recording.</exception>
    public void Fill(double value)
    {
        GuardInPlace("Fill");
        Launch.Run(new FillLaunch(this, value), this);
    }

    /// <summary>
    /// A leaf sharing this tensor's storage, with no history and no gradient requirement: what the
    /// tape sees as a constant.
    /// </summary>
    public Tensor Detach()
    {
        // A detached op result inside a step scope lives exactly as long as its buffer.
        var t = Storage.IsPooled ? View(ShapeArray, DType, Storage) : new(ShapeArray, DType, Storage);
        t.Name = Name;
        return t;
    }

    /// <summary>A leaf copy with its own storage (no history).</summary>
    public Tensor Clone()
    {
        var t = Allocate(ShapeArray, DType);
        Launch.Run(new CopyLaunch(this, t), this);
        t.Name = Name;
        return t;
    }

    /// <summary>Marks this leaf as requiring grad and returns it (fluent form of <see cref="RequiresGrad"/>).</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    /// <summary>Backpropagates from this tensor: see <see cref="Tape.Backward"/>.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        Tape.Backward(this, gradient, retainGraph, createGraph);

    /// <inheritdoc/>
    public override string ToString() => TensorFormatter.Format(this);
}
