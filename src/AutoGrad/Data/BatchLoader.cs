using System.Collections;

namespace AutoGrad.Data;

/// <summary>One minibatch of a <see cref="BatchLoader"/>: features [B, ...] and either labels or target values [B, ...].</summary>
/// <param name="X">Features, [B, ...the data set's FeatureShape].</param>
/// <param name="Labels">Class labels (targets of kind Labels), else null.</param>
/// <param name="Targets">Target values [B, ...TargetShape] (kind Values; [B] for one number per example), else null.</param>
public readonly record struct Batch(Tensor X, int[]? Labels, Tensor? Targets)
{
    /// <summary>Number of examples in the batch.</summary>
    public int Count => X.Shape[0];
}

/// <summary>
/// Minibatches of any <see cref="IDataset"/>: N-d features, labels or float targets, shuffled every
/// epoch by a seeded <see cref="Generator"/> (or in order without one), with the last partial batch
/// kept or dropped (<c>dropLast</c>, PyTorch's <c>drop_last</c>).
/// </summary>
/// <remarks>
/// Like <see cref="DataLoader"/>, the batch tensors and label array are <b>reused</b>: each batch
/// overwrites the previous one's buffers (one set for full batches, one for a last partial batch),
/// so an epoch allocates nothing beyond what the data set's own reads allocate. Use a batch before
/// moving to the next, or <c>Clone()</c> it; one enumeration at a time.
/// </remarks>
public sealed class BatchLoader : IEnumerable<Batch>
{
    private readonly IDataset _data;
    private readonly Generator? _generator;
    private readonly int[] _order;
    private readonly int _featureSize, _targetSize;
    private Buffers? _full, _last;
    private int _epoch;

    private sealed class Buffers(Tensor x, int[]? labels, Tensor? targets)
    {
        public readonly Tensor X = x;
        public readonly int[]? Labels = labels;
        public readonly Tensor? Targets = targets;
    }

    /// <summary>Creates a loader over <paramref name="data"/>.</summary>
    /// <param name="data">The data set; at least one example.</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="generator">Shuffles the examples at the start of every epoch; null keeps the data set's order.</param>
    /// <param name="dropLast">Leave out the last batch when it has fewer than <paramref name="batchSize"/> examples.</param>
    /// <exception cref="ArgumentException">The data set is empty, or <paramref name="dropLast"/> is set and it has fewer examples than one batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException">batchSize ≤ 0, or a shape of the data set has a non-positive size.</exception>
    public BatchLoader(IDataset data, int batchSize, Generator? generator = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(nameof(BatchLoader), nameof(batchSize), batchSize);
        if (data.Count <= 0) throw new ArgumentException($"BatchLoader: the data set ({data.GetType().Name}) has no examples", nameof(data));
        if (dropLast && data.Count < batchSize)
            throw new ArgumentException($"BatchLoader: with dropLast, {data.Count} examples make no full batch of {batchSize}; every epoch would be empty", nameof(dropLast));
        foreach (int d in data.FeatureShape) Guard.Positive(nameof(BatchLoader), "FeatureShape size", d);
        foreach (int d in data.TargetShape) Guard.Positive(nameof(BatchLoader), "TargetShape size", d);
        _data = data;
        _generator = generator;
        BatchSize = batchSize;
        DropLast = dropLast;
        _order = new int[data.Count];
        _featureSize = data.FeatureShape.Aggregate(1, (a, b) => a * b);
        _targetSize = data.TargetShape.Aggregate(1, (a, b) => a * b);
    }

    /// <summary>The data set.</summary>
    public IDataset Dataset => _data;

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a last partial batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The example order of the epoch in progress.</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Starts an epoch: shuffles the order with the generator (if any).</summary>
    public Enumerator GetEnumerator()
    {
        _epoch++;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _generator?.Shuffle<int>(_order);
        return new Enumerator(this, _epoch);
    }

    IEnumerator<Batch> IEnumerable<Batch>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Buffers Allocate(int count) => new(
        Tensor.Zeros(DType.Float32, [count, .. _data.FeatureShape]),
        _data.TargetKind == TargetKind.Labels ? new int[count] : null,
        _data.TargetKind == TargetKind.Values ? Tensor.Zeros(DType.Float32, [count, .. _data.TargetShape]) : null);

    private Batch Fill(int epoch, int start)
    {
        if (epoch != _epoch)
            throw new InvalidOperationException($"BatchLoader: a new epoch ({_epoch}) was started while epoch {epoch} was still being enumerated; the batch buffers are shared, so finish one epoch before starting the next");
        int count = Math.Min(BatchSize, _order.Length - start);
        var b = count == BatchSize ? _full ??= Allocate(count) : _last ??= Allocate(count);
        var x = b.X.AsSpan<float>();
        var t = b.Targets is null ? default : b.Targets.AsSpan<float>();
        for (int i = 0; i < count; i++)
        {
            int e = _order[start + i];
            _data.ReadFeatures(e, x.Slice(i * _featureSize, _featureSize));
            if (b.Labels is { } labels)
            {
                int label = _data.ReadLabel(e);
                if ((uint)label >= (uint)_data.ClassCount)
                    throw new InvalidOperationException($"BatchLoader: example {e} of {_data.GetType().Name} has label {label}, outside [0, {_data.ClassCount})");
                labels[i] = label;
            }
            else _data.ReadTarget(e, t.Slice(i * _targetSize, _targetSize));
        }
        // Lets a retained graph that saved the previous batch notice that its values changed.
        b.X.Storage.Version++;
        if (b.Targets is not null) b.Targets.Storage.Version++;
        return new Batch(b.X, b.Labels, b.Targets);
    }

    /// <summary>Enumerates one epoch's batches (allocation-free).</summary>
    public struct Enumerator : IEnumerator<Batch>
    {
        private readonly BatchLoader _loader;
        private readonly int _epoch;
        private int _next;

        internal Enumerator(BatchLoader loader, int epoch)
        {
            _loader = loader;
            _epoch = epoch;
            _next = 0;
            Current = default;
        }

        /// <summary>The current batch.</summary>
        public Batch Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <summary>Fills the buffers with the next batch; false after the last (or before a partial last one with dropLast).</summary>
        /// <exception cref="InvalidOperationException">A newer epoch was started on the same loader, or the data set gave a label out of range.</exception>
        public bool MoveNext()
        {
            int n = _loader._order.Length;
            if (_next >= n || _loader.DropLast && n - _next < _loader.BatchSize) return false;
            Current = _loader.Fill(_epoch, _next);
            _next += _loader.BatchSize;
            return true;
        }

        /// <summary>Not supported: start a new epoch with <see cref="BatchLoader.GetEnumerator"/>.</summary>
        /// <exception cref="NotSupportedException">Always.</exception>
        public readonly void Reset() => throw new NotSupportedException("BatchLoader: start a new epoch with a new foreach instead of Reset");

        /// <inheritdoc/>
        public readonly void Dispose() { }
    }
}
