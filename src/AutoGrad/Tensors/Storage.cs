namespace AutoGrad;

/// <summary>
/// The flat, row-major buffer behind one or more tensors (a reshape or detach shares it). Holds
/// the version counter that lets the tape notice a saved tensor modified in place.
/// </summary>
internal sealed class Storage
{
    public float[]? F;
    public double[]? D;

    /// <summary>Bumped by every in-place write; ops remember it when they save a tensor.</summary>
    public int Version;

    public Storage(float[] data) => F = data;

    public Storage(double[] data) => D = data;

    /// <summary>True when the buffer came from the pool and must go back there.</summary>
    private bool _pooled;

    /// <summary>A zeroed buffer owned by the garbage collector (creation functions, gradients, parameters).</summary>
    public static Storage Allocate(DType dtype, int count) =>
        dtype == DType.Float32 ? new Storage(count == 0 ? [] : new float[count]) : new Storage(count == 0 ? [] : new double[count]);

    /// <summary>
    /// A buffer for an op result outside a step scope's recycling, with undefined contents (the
    /// kernel writes every element): a plain allocation, which a recorder attached to the launch
    /// funnel owns for good. Inside a <see cref="Memory.StepScope"/> op results take a pooled
    /// buffer instead (<see cref="Rent"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static Storage ForOpResult(DType dtype, int count)
    {
        if (count == 0) return Allocate(dtype, 0);
        // Below a few hundred bytes an uninitialized allocation is a plain one behind an extra call.
        var owned = dtype == DType.Float32
            ? new Storage(count < 64 ? new float[count] : GC.AllocateUninitializedArray<float>(count))
            : new Storage(count < 32 ? new double[count] : GC.AllocateUninitializedArray<double>(count));
        Launch.Created(owned);
        return owned;
    }

    /// <summary>The buffer of every dead handle (a recycled op result after its scope ended): any access throws.</summary>
    public static readonly Storage Dead = NewDead();

    private static Storage NewDead()
    {
        var s = new Storage(Array.Empty<float>()) { F = null };
        s.Released = true;
        return s;
    }

    /// <summary>Takes a pooled buffer of <paramref name="count"/> elements for a recycled handle (contents undefined).</summary>
    public void Rent(DType dtype, int count)
    {
        F = null;
        D = null;
        Released = false;
        if (count == 0)
        {
            if (dtype == DType.Float32) F = []; else D = [];
            _pooled = false;
            return;
        }
        if (dtype == DType.Float32) F = Memory.BufferPool.RentFloat(count, zeroed: false);
        else D = Memory.BufferPool.RentDouble(count, zeroed: false);
        _pooled = true;
    }

    /// <summary>Gives a pooled buffer back; later access through this storage throws.</summary>
    public void Release()
    {
        if (_pooled)
        {
            if (F is not null) Memory.BufferPool.Return(F);
            if (D is not null) Memory.BufferPool.Return(D);
        }
        F = null;
        D = null;
        Released = true;
        _pooled = false;
    }

    /// <summary>True while the buffer belongs to the pool of a <see cref="Memory.StepScope"/> (it is recycled when the scope ends).</summary>
    public bool IsPooled => _pooled;

    /// <summary>True after <see cref="Release"/>.</summary>
    public bool Released { get; private set; }

    public static Exception ReleasedError() => new ObjectDisposedException("Tensor",
        "this tensor was produced inside a StepScope that has ended, and its memory was recycled; read or Clone() what you need before the scope ends");
}
