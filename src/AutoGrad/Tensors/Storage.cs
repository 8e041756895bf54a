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
    /// A buffer for an op result, with undefined contents (the kernel writes every element): from
    /// the pool when a <see cref="Memory.StepScope"/> is active (and recycled when it ends), else a
    /// plain allocation, which a recorder attached to the launch funnel owns for good.
    /// </summary>
    public static Storage ForOpResult(DType dtype, int count)
    {
        if (count == 0) return Allocate(dtype, 0);
        if (!Launch.IsRecording && Memory.StepScope.Current is { } scope)
        {
            var s = dtype == DType.Float32 ? new Storage(Memory.BufferPool.RentFloat(count, zeroed: false)) : new Storage(Memory.BufferPool.RentDouble(count, zeroed: false));
            s._pooled = true;
            scope.Track(s);
            return s;
        }
        var owned = dtype == DType.Float32
            ? new Storage(GC.AllocateUninitializedArray<float>(count))
            : new Storage(GC.AllocateUninitializedArray<double>(count));
        Launch.Created(owned);
        return owned;
    }

    /// <summary>Gives a pooled buffer back; later access through this storage throws.</summary>
    public void Release()
    {
        if (!_pooled) return;
        if (F is not null) Memory.BufferPool.Return(F);
        if (D is not null) Memory.BufferPool.Return(D);
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
