using System.Runtime.CompilerServices;

namespace AutoGrad.Autograd;

/// <summary>
/// A growable list of nodes for the backward pass's working lists (the order and the search
/// stack). A <c>List&lt;Node&gt;</c> stores into a <c>Node[]</c>, and since <see cref="Node"/> is
/// not sealed every store pays the runtime's covariance check; wrapping each node in a struct
/// makes a store a plain write.
/// </summary>
internal sealed class NodeList
{
    private struct Slot
    {
        public Node Node;
    }

    private Slot[] _items = new Slot[16];
    private int _count;

    public int Count => _count;

    public Node this[int i] => _items[i].Node;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Node node)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
        _items[_count++].Node = node;
    }

    /// <summary>Removes and returns the last node (the list used as a stack).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Node Pop()
    {
        var n = _items[--_count].Node;
        _items[_count].Node = null!;
        return n;
    }

    /// <summary>Empties the list and drops its references, so the nodes can be collected.</summary>
    public void Clear()
    {
        Array.Clear(_items, 0, _count);
        _count = 0;
    }

    /// <summary>Sorts by decreasing <see cref="Node.Seq"/> (reverse execution order).</summary>
    public void SortNewestFirst()
    {
        bool sorted = true;
        for (int i = 1; i < _count && sorted; i++) sorted = _items[i - 1].Node.Seq > _items[i].Node.Seq;
        if (!sorted) _items.AsSpan(0, _count).Sort(static (a, b) => b.Node.Seq.CompareTo(a.Node.Seq));
    }
}
