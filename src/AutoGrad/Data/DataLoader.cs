using System.Collections;

namespace AutoGrad.Data;

/// <summary>
/// Minibatches of a data set: each enumeration is one epoch that visits every row exactly once,
/// in an order shuffled by the seeded <see cref="Generator"/> (or in the data set's order without
/// one), as <c>(Tensor X, int[] Y)</c> pairs of at most <see cref="BatchSize"/> rows; the last
/// batch keeps the remainder.
/// </summary>
/// <remarks>
/// The batch tensor and label array are <b>reused</b>: each batch overwrites the previous one's
/// buffers (one pair for full batches, one for the last partial batch), so an epoch allocates
/// nothing. Use a batch before moving to the next, or <c>Clone()</c> it. Only one enumeration may
/// be in progress at a time: starting a new epoch invalidates the previous enumerator.
/// </remarks>
public sealed class DataLoader : IEnumerable<(Tensor X, int[] Y)>
{
    private readonly Dataset _data;
    private readonly Generator? _generator;
    private readonly int[] _order;
    private readonly Tensor _x;
    private readonly int[] _y;
    private Tensor? _xLast;
    private int[]? _yLast;
    private int _epoch;

    /// <summary>Creates a loader over <paramref name="data"/>.</summary>
    /// <param name="data">The data set; must have at least one row.</param>
    /// <param name="batchSize">Rows per batch (the last batch may have fewer).</param>
    /// <param name="generator">Shuffles the rows at the start of every epoch; null keeps the data set's order.</param>
    /// <exception cref="ArgumentException">The data set is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">batchSize ≤ 0.</exception>
    public DataLoader(Dataset data, int batchSize, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(nameof(DataLoader), nameof(batchSize), batchSize);
        if (data.Count == 0) throw new ArgumentException("DataLoader: the data set has no rows", nameof(data));
        _data = data;
        _generator = generator;
        BatchSize = batchSize;
        _order = new int[data.Count];
        int full = Math.Min(batchSize, data.Count);
        _x = Tensor.Zeros(full, data.FeatureCount);
        _y = new int[full];
    }

    /// <summary>The data set.</summary>
    public Dataset Dataset => _data;

    /// <summary>Rows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch: ⌈N / BatchSize⌉.</summary>
    public int BatchCount => (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>Number of epochs started.</summary>
    public int Epoch => _epoch;

    /// <summary>The row order of the epoch in progress (dataset row indices, batch after batch).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Starts an epoch: shuffles the order with the generator (if any).</summary>
    public Enumerator GetEnumerator()
    {
        _epoch++;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _generator?.Shuffle<int>(_order);
        return new Enumerator(this, _epoch);
    }

    IEnumerator<(Tensor X, int[] Y)> IEnumerable<(Tensor X, int[] Y)>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private (Tensor, int[]) Fill(int epoch, int start)
    {
        if (epoch != _epoch)
            throw new InvalidOperationException($"DataLoader: a new epoch ({_epoch}) was started while epoch {epoch} was still being enumerated; the batch buffers are shared, so finish one epoch before starting the next");
        int count = Math.Min(BatchSize, _order.Length - start);
        Tensor x;
        int[] y;
        if (count == _y.Length) { x = _x; y = _y; }
        else
        {
            _xLast ??= Tensor.Zeros(count, _data.FeatureCount);
            _yLast ??= new int[count];
            x = _xLast;
            y = _yLast;
        }
        int d = _data.FeatureCount;
        var src = _data.Features.AsSpan<float>();
        var dst = x.AsSpan<float>();
        var labels = _data.Labels;
        for (int i = 0; i < count; i++)
        {
            int row = _order[start + i];
            src.Slice(row * d, d).CopyTo(dst.Slice(i * d, d));
            y[i] = labels[row];
        }
        // Lets a retained graph that saved the previous batch notice that its values changed.
        x.Storage.Version++;
        return (x, y);
    }

    /// <summary>Enumerates one epoch's batches (allocation-free).</summary>
    public struct Enumerator : IEnumerator<(Tensor X, int[] Y)>
    {
        private readonly DataLoader _loader;
        private readonly int _epoch;
        private int _next;

        internal Enumerator(DataLoader loader, int epoch)
        {
            _loader = loader;
            _epoch = epoch;
            _next = 0;
            Current = default;
        }

        /// <summary>The current batch: features [B, D] and labels [B].</summary>
        public (Tensor X, int[] Y) Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <summary>Fills the buffers with the next batch; false after the last.</summary>
        /// <exception cref="InvalidOperationException">A newer epoch was started on the same loader.</exception>
        public bool MoveNext()
        {
            if (_next >= _loader._order.Length) return false;
            Current = _loader.Fill(_epoch, _next);
            _next += _loader.BatchSize;
            return true;
        }

        /// <summary>Not supported: start a new epoch with <see cref="DataLoader.GetEnumerator"/>.</summary>
        /// <exception cref="NotSupportedException">Always.</exception>
        public readonly void Reset() => throw new NotSupportedException("DataLoader: start a new epoch with a new foreach instead of Reset");

        /// <inheritdoc/>
        public readonly void Dispose() { }
    }
}
