namespace AutoGrad.Data;

/// <summary>
/// One batch of a <see cref="StreamBatcher"/>: for each of the B streams, T consecutive tokens as
/// inputs and the T tokens one position later as targets, row-major [B, T] (element b·T + t is
/// step t of stream b). A reused object: the next batch overwrites it.
/// </summary>
/// <remarks>
/// The tensors are filled on the host, outside the tape: ask for <see cref="InputIndices"/> or
/// <see cref="OneHotInputs"/> once before capturing a step (<c>StepPlan.Capture</c>), then move to
/// each next batch outside the captured step, as with a <see cref="DataLoader"/>; replay reads the
/// refilled tensor.
/// </remarks>
public sealed class StreamBatch
{
    private readonly StreamBatcher _batcher;
    private Tensor? _indices;
    private Tensor? _oneHot;
    private int _oneHotClasses;

    internal StreamBatch(StreamBatcher batcher, int steps)
    {
        _batcher = batcher;
        Steps = steps;
        Inputs = new int[batcher.BatchSize * steps];
        Targets = new int[batcher.BatchSize * steps];
    }

    /// <summary>Position of this batch in the pass (0, 1, ...).</summary>
    public int Index { get; private set; }

    /// <summary>Position in every stream of the first input step (Index · T of a full batch).</summary>
    public int Offset { get; private set; }

    /// <summary>Rows B (streams).</summary>
    public int BatchSize => _batcher.BatchSize;

    /// <summary>Time steps T of this batch (shorter than <see cref="StreamBatcher.Steps"/> for a last partial chunk).</summary>
    public int Steps { get; }

    /// <summary>Input tokens, row-major [B, T]: <c>Inputs[b·T + t]</c> = token Offset + t of stream b.</summary>
    public int[] Inputs { get; }

    /// <summary>Target tokens, row-major [B, T]: the next token, <c>Targets[b·T + t]</c> = token Offset + t + 1 of stream b (so <c>Targets[b·T + t] = Inputs[b·T + t + 1]</c> within a row).</summary>
    public int[] Targets { get; }

    /// <summary>
    /// The inputs as an integer-valued tensor [B, T] (for an embedding table). The same tensor is
    /// refilled by every later batch of this shape.
    /// </summary>
    public Tensor InputIndices()
    {
        if (_indices is null)
        {
            _indices = Tensor.Zeros(_batcher.DType, BatchSize, Steps);
            WriteIndices();
        }
        return _indices;
    }

    /// <summary>
    /// The inputs one-hot encoded, [B, T, <paramref name="classes"/>] (element [b, t, k] is 1 where
    /// the input token is k). The same tensor is refilled by every later batch of this shape.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">classes ≤ the largest token of the batcher.</exception>
    /// <exception cref="ArgumentException">Called with a different number of classes than before.</exception>
    public Tensor OneHotInputs(int classes)
    {
        if (_oneHot is null)
        {
            Guard.Positive("StreamBatch.OneHotInputs", nameof(classes), classes);
            if (_batcher.MaxToken >= classes)
                throw new ArgumentOutOfRangeException(nameof(classes), classes,
                    $"StreamBatch.OneHotInputs: classes {classes} is too few for token {_batcher.MaxToken} of the batcher; pass the vocabulary size (at least {_batcher.MaxToken + 1})");
            _oneHotClasses = classes;
            _oneHot = Tensor.Zeros(_batcher.DType, BatchSize, Steps, classes);
            WriteOneHot();
        }
        else if (classes != _oneHotClasses)
            throw new ArgumentException($"StreamBatch.OneHotInputs: the batches' one-hot tensor has {_oneHotClasses} classes; got {classes} (use one vocabulary size per batcher)", nameof(classes));
        return _oneHot;
    }

    internal void Fill(int[] streams, int length, int index, int offset)
    {
        Index = index;
        Offset = offset;
        int t = Steps;
        for (int b = 0; b < BatchSize; b++)
        {
            streams.AsSpan(b * length + offset, t).CopyTo(Inputs.AsSpan(b * t, t));
            streams.AsSpan(b * length + offset + 1, t).CopyTo(Targets.AsSpan(b * t, t));
        }
        if (_indices is not null) WriteIndices();
        if (_oneHot is not null) WriteOneHot();
    }

    private void WriteIndices()
    {
        var x = _indices!;
        if (x.DType == DType.Float32)
        {
            var d = x.AsSpan<float>();
            for (int i = 0; i < Inputs.Length; i++) d[i] = Inputs[i];
        }
        else
        {
            var d = x.AsSpan<double>();
            for (int i = 0; i < Inputs.Length; i++) d[i] = Inputs[i];
        }
        // Lets a retained graph that saved the previous batch notice that its values changed.
        x.Storage.Version++;
    }

    private void WriteOneHot()
    {
        var x = _oneHot!;
        int v = _oneHotClasses;
        if (x.DType == DType.Float32)
        {
            var d = x.AsSpan<float>();
            d.Clear();
            for (int i = 0; i < Inputs.Length; i++) d[i * v + Inputs[i]] = 1;
        }
        else
        {
            var d = x.AsSpan<double>();
            d.Clear();
            for (int i = 0; i < Inputs.Length; i++) d[i * v + Inputs[i]] = 1;
        }
        x.Storage.Version++;
    }
}
