using System.Collections;

namespace AutoGrad.Data;

/// <summary>
/// Minibatches of a data set: each enumeration is one epoch that visits every row exactly once,
/// in an order shuffled by the seeded <see cref="Generator"/> (or in the data set's order without
/// one), as <c>(Tensor X, int[] Y)</c> pairs of at most <see cref="BatchSize"/> rows; the last
/// batch keeps the remainder. X is [B, D], or [B, C, H, W] with <see cref="Images"/>; with an
/// <see cref="Augment"/> transform every batch is augmented (training batches only: evaluate on a
/// loader without one, or on the data set).
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
    private Tensor? _xImages, _xLastImages;
    private int _epoch;
    private readonly bool _images;
    private ImageTransform? _augment;
    private Generator? _augmentRandom;

    /// <summary>Creates a loader over <paramref name="data"/>.</summary>
    /// <param name="data">The data set; must have at least one row.</param>
    /// <param name="batchSize">Rows per batch (the last batch may have fewer).</param>
    /// <param name="generator">Shuffles the rows at the start of every epoch; null keeps the data set's order.</param>
    /// <param name="dropLast">Leave out the last batch when it has fewer than <paramref name="batchSize"/> rows (PyTorch's drop_last).</param>
    /// <exception cref="ArgumentException">The data set is empty, or <paramref name="dropLast"/> is set and it has fewer rows than one batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException">batchSize ≤ 0.</exception>
    public DataLoader(Dataset data, int batchSize, Generator? generator = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Positive(nameof(DataLoader), nameof(batchSize), batchSize);
        if (data.Count == 0) throw new ArgumentException("DataLoader: the data set has no rows", nameof(data));
        if (dropLast && data.Count < batchSize)
            throw new ArgumentException($"DataLoader: with dropLast, {data.Count} rows make no full batch of {batchSize}; every epoch would be empty", nameof(dropLast));
        DropLast = dropLast;
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

    /// <summary>
    /// Batches as images, [B, C, H, W] by the data set's <see cref="Data.Dataset.ImageShape"/>
    /// (views of the same buffers, so still allocation-free), instead of rows [B, D].
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a loader whose data set has no image shape.</exception>
    public bool Images
    {
        get => _images;
        init
        {
            if (value && _data.ImageShape is null)
                throw new InvalidOperationException($"DataLoader.Images: the data set's rows ({_data.FeatureCount} features) have no image shape; give it one with Dataset.WithImageShape");
            _images = value;
        }
    }

    /// <summary>
    /// The augmentation applied to each batch as it is filled (null: none), drawing from a stream
    /// of its own seeded from the loader's generator, so a seeded loader augments reproducibly and
    /// shuffles exactly as it would without augmentation. Set it to null to turn augmentation off.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a loader whose data set has no image shape, or that has no generator.</exception>
    public ImageTransform? Augment
    {
        get => _augment;
        set
        {
            if (value is not null)
            {
                if (_data.ImageShape is null)
                    throw new InvalidOperationException($"DataLoader.Augment: the data set's rows ({_data.FeatureCount} features) have no image shape to augment; give it one with Dataset.WithImageShape");
                // Its own stream, derived from the shuffle's seed without drawing from it: adding augmentation leaves the batch order unchanged.
                _augmentRandom ??= _generator is { } g ? new Generator(g.Seed ^ 0x9E3779B97F4A7C15UL) : throw new InvalidOperationException(
                    "DataLoader.Augment: augmentation draws random numbers; create the loader with a Generator (new DataLoader(data, batchSize, new Generator(seed)))");
            }
            _augment = value;
        }
    }

    /// <summary>Rows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch: ⌈N / BatchSize⌉.</summary>
    public int BatchCount => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>Whether a last partial batch is left out.</summary>
    public bool DropLast { get; }

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
        if (_augment is not null) _augment.ApplyBatch(dst, count, _data.ImageShape!.Value, _augmentRandom!);
        // Lets a retained graph that saved the previous batch notice that its values changed.
        x.Storage.Version++;
        if (_images)
        {
            var img = _data.ImageShape!.Value;
            ref var view = ref count == _y.Length ? ref _xImages : ref _xLastImages;
            // A handle of its own on the batch buffer, never one a step scope would recycle.
            view ??= new Tensor([count, img.Channels, img.Height, img.Width], DType.Float32, x.Storage);
            return (view, y);
        }
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

        /// <summary>The current batch: features [B, D] (or [B, C, H, W] with <see cref="Images"/>) and labels [B].</summary>
        public (Tensor X, int[] Y) Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <summary>Fills the buffers with the next batch; false after the last.</summary>
        /// <exception cref="InvalidOperationException">A newer epoch was started on the same loader.</exception>
        public bool MoveNext()
        {
            int n = _loader._order.Length;
            if (_next >= n || _loader.DropLast && n - _next < _loader.BatchSize) return false;
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
