using System.Collections;

namespace AutoGrad.Data;

/// <summary>
/// Batches of a token sequence for truncated backpropagation through time with a state carried
/// across batches (stateful training), laid out as PyTorch's word_language_model <c>batchify</c>:
/// the N tokens are cut into <see cref="BatchSize"/> B parallel streams of equal length
/// L = ⌊N / B⌋ (the last N − B·L tokens are dropped), stream b being tokens [b·L, (b+1)·L). Batch k
/// holds, for every stream, the T = <see cref="Steps"/> tokens at positions [k·T, k·T + T) as
/// inputs and the tokens one position later as targets, so row b of batch k + 1 continues exactly
/// where row b of batch k stopped, and a recurrent state carried (detached) from one batch to the
/// next is the state of the same stream. The last chunk of L − 1 − k·T &lt; T steps is kept as a
/// shorter batch, or dropped with <c>dropLast</c>.
/// </summary>
/// <remarks>
/// Each enumeration is one pass over the streams from position 0. The batch object, its index
/// arrays and its tensors are <b>reused</b>: each batch overwrites the previous one's buffers (one
/// set for full batches, one for a shorter last batch), so a pass allocates nothing once the
/// tensors asked for exist, and a captured step sees each batch in the same tensors. Use a batch
/// before moving to the next. Only one enumeration may be in progress at a time.
/// </remarks>
public sealed class StreamBatcher : IEnumerable<StreamBatch>
{
    private readonly int[] _streams;
    private readonly StreamBatch _full;
    private StreamBatch? _last;
    private int _pass;

    /// <summary>Cuts <paramref name="tokens"/> into streams (the tokens are copied).</summary>
    /// <param name="tokens">Token indices, each ≥ 0 (e.g. <see cref="TextCorpus.Tokens"/> or one part of <see cref="TextCorpus.Split"/>).</param>
    /// <param name="batchSize">Number of parallel streams B.</param>
    /// <param name="steps">Time steps per batch T (the truncation length of BPTT).</param>
    /// <param name="dropLast">Drop the last chunk when it is shorter than <paramref name="steps"/>, so every batch is [B, T].</param>
    /// <param name="dtype">The dtype of the index and one-hot tensors of each batch.</param>
    /// <exception cref="ArgumentOutOfRangeException">batchSize or steps ≤ 0; a stream would hold fewer than 2 tokens (batch larger than half the text), or fewer than steps + 1 (steps larger than a stream); a token is negative.</exception>
    public StreamBatcher(ReadOnlySpan<int> tokens, int batchSize, int steps, bool dropLast = false, DType dtype = DType.Float32)
    {
        const string op = nameof(StreamBatcher);
        Guard.Positive(op, nameof(batchSize), batchSize);
        Guard.Positive(op, nameof(steps), steps);
        int length = tokens.Length / batchSize;
        if (length < 2)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"{op}: batchSize {batchSize} is too large for {tokens.Length} tokens: each stream would hold {length} tokens, and it needs at least 2 (an input and its target); use batchSize ≤ {Math.Max(1, tokens.Length / 2)}");
        if (steps > length - 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"{op}: steps {steps} is longer than a stream: {tokens.Length} tokens in {batchSize} streams give {length} tokens per stream, so at most {length - 1} steps (inputs and their next-token targets); use fewer steps or a smaller batchSize");
        for (int i = 0; i < batchSize * length; i++)
            if (tokens[i] < 0)
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"{op}: token {tokens[i]} at position {i} is negative; tokens are vocabulary indices ≥ 0");
        _streams = tokens[..(batchSize * length)].ToArray();
        MaxToken = _streams.Max();
        BatchSize = batchSize;
        Steps = steps;
        StreamLength = length;
        Dropped = tokens.Length - batchSize * length;
        DropLast = dropLast;
        DType = dtype;
        _full = new StreamBatch(this, steps);
    }

    /// <summary>Number of parallel streams B (rows of every batch).</summary>
    public int BatchSize { get; }

    /// <summary>Time steps T of a full batch.</summary>
    public int Steps { get; }

    /// <summary>Tokens per stream L = ⌊N / B⌋.</summary>
    public int StreamLength { get; }

    /// <summary>Tokens dropped from the end so the streams have equal length: N − B·L.</summary>
    public int Dropped { get; }

    /// <summary>Whether a last chunk shorter than <see cref="Steps"/> is dropped (else it is a shorter batch).</summary>
    public bool DropLast { get; }

    /// <summary>The dtype of the batches' tensors.</summary>
    public DType DType { get; }

    /// <summary>The largest token (a one-hot encoding needs at least MaxToken + 1 classes).</summary>
    public int MaxToken { get; }

    /// <summary>Batches per pass: ⌈(L − 1) / T⌉, or ⌊(L − 1) / T⌋ with <see cref="DropLast"/>.</summary>
    public int BatchCount => DropLast ? (StreamLength - 1) / Steps : (StreamLength - 1 + Steps - 1) / Steps;

    /// <summary>Number of passes started.</summary>
    public int Pass => _pass;

    /// <summary>Token <paramref name="position"/> of stream <paramref name="stream"/> (original index stream·L + position).</summary>
    public int Token(int stream, int position)
    {
        if ((uint)stream >= (uint)BatchSize) throw new ArgumentOutOfRangeException(nameof(stream), stream, $"StreamBatcher.Token: stream {stream} is outside [0, {BatchSize})");
        if ((uint)position >= (uint)StreamLength) throw new ArgumentOutOfRangeException(nameof(position), position, $"StreamBatcher.Token: position {position} is outside [0, {StreamLength})");
        return _streams[stream * StreamLength + position];
    }

    /// <summary>Starts a pass from position 0 of every stream.</summary>
    public Enumerator GetEnumerator() => new(this, ++_pass);

    IEnumerator<StreamBatch> IEnumerable<StreamBatch>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private StreamBatch Fill(int pass, int index)
    {
        if (pass != _pass)
            throw new InvalidOperationException($"StreamBatcher: a new pass ({_pass}) was started while pass {pass} was still being enumerated; the batch buffers are shared, so finish one pass before starting the next");
        int offset = index * Steps;
        int steps = Math.Min(Steps, StreamLength - 1 - offset);
        var batch = steps == Steps ? _full : _last ??= new StreamBatch(this, steps);
        batch.Fill(_streams, StreamLength, index, offset);
        return batch;
    }

    /// <summary>Enumerates one pass's batches.</summary>
    public struct Enumerator : IEnumerator<StreamBatch>
    {
        private readonly StreamBatcher _batcher;
        private readonly int _pass;
        private int _next;

        internal Enumerator(StreamBatcher batcher, int pass)
        {
            _batcher = batcher;
            _pass = pass;
            _next = 0;
            Current = null!;
        }

        /// <summary>The current batch (a reused object).</summary>
        public StreamBatch Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <summary>Fills the buffers with the next batch; false after the last.</summary>
        /// <exception cref="InvalidOperationException">A newer pass was started on the same batcher.</exception>
        public bool MoveNext()
        {
            if (_next >= _batcher.BatchCount) return false;
            Current = _batcher.Fill(_pass, _next++);
            return true;
        }

        /// <summary>Not supported: start a new pass with <see cref="StreamBatcher.GetEnumerator"/>.</summary>
        /// <exception cref="NotSupportedException">Always.</exception>
        public readonly void Reset() => throw new NotSupportedException("StreamBatcher: start a new pass with a new foreach instead of Reset");

        /// <inheritdoc/>
        public readonly void Dispose() { }
    }
}
