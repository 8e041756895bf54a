namespace AutoGrad.Ops;

/// <summary>
/// The indices an indexing node keeps for its backward, in one reference (so an eagerly recorded
/// node is no larger than with a plain array): an <c>int[]</c> copy when the op ran eagerly, or,
/// when the launch funnel bound them to a registered array (a captured step), that array itself or
/// a boxed range of it, so the backward ops read the live array at replay.
/// </summary>
internal readonly struct IndexRef
{
    private readonly object _value;

    private IndexRef(object value) => _value = value;

    /// <summary>The indices to keep: the bound range if there is one, else a copy of the span.</summary>
    public static IndexRef Keep(ReadOnlySpan<int> index, ReadOnlyMemory<int> bound) =>
        bound.IsEmpty ? new(Memory.StepScope.Recycling is { } scope ? scope.CopyOf(index) : index.ToArray())
        : new(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bound, out var a) && a.Offset == 0 && a.Count == a.Array!.Length ? a.Array : bound);

    public ReadOnlySpan<int> Span => _value is int[] a ? a : ((ReadOnlyMemory<int>)_value).Span;
}
