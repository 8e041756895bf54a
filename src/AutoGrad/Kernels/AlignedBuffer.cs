using System.Runtime.InteropServices;

namespace AutoGrad.Kernels;

/// <summary>
/// A 64-byte aligned native scratch buffer that only grows. Kernels keep these for the life of a thread
/// (or of the worker pool) so steady-state calls neither allocate nor touch the GC heap.
/// </summary>
internal sealed unsafe class AlignedBuffer
{
    private void* _pointer;
    private nuint _bytes;

    /// <summary>Returns a buffer of at least <paramref name="bytes"/> bytes; previous contents are not kept.</summary>
    public void* Ensure(nuint bytes)
    {
        if (bytes <= _bytes)
            return _pointer;
        // Round up so a slowly growing sequence of shapes does not reallocate on every call.
        nuint size = Math.Max(bytes, _bytes * 2);
        size = (size + 4095) & ~(nuint)4095;
        if (_pointer is not null)
            NativeMemory.AlignedFree(_pointer);
        _pointer = null;
        _bytes = 0;
        _pointer = NativeMemory.AlignedAlloc(size, 64);
        _bytes = size;
        return _pointer;
    }

    ~AlignedBuffer()
    {
        if (_pointer is not null)
            NativeMemory.AlignedFree(_pointer);
    }
}
