using AutoGrad.NN;
using static AutoGrad.Tests.Support.Domain;

namespace AutoGrad.Tests.Support;

// Rows for the recurrent family: the RNN (tanh, ReLU), LSTM and GRU cells one step from a given
// state; the sequence modules over [B, T, in] with T = 1 included, one or two layers, one or two
// directions, with and without biases and an initial state, checked on the output sequence and the
// final state together; the embedding lookup (repeated indices, a padding row) and the last-step
// head. Every weight is an input, so the property checks backprop through time into each of them.
public static partial class OpTable
{
    private static int GatesOf(string kind) => kind switch { "lstm" => 4, "gru" => 3, _ => 1 };

    /// <summary>x [B, in], h [B, H] (and c [B, H] for an LSTM), W_ih [gH, in], W_hh [gH, H] and, unless flag bit 0 is set, b_ih, b_hh [gH]; dims (B, in, H).</summary>
    private static Func<int[], int, int[][]> CellShapes(string kind) => (dims, flags) =>
    {
        int b = dims[0], i = dims[1], h = dims[2], g = GatesOf(kind) * h;
        var shapes = new List<int[]> { new[] { b, i }, new[] { b, h } };
        if (kind == "lstm") shapes.Add([b, h]);
        shapes.Add([g, i]);
        shapes.Add([g, h]);
        if ((flags & 1) == 0) { shapes.Add([g]); shapes.Add([g]); }
        return [.. shapes];
    };

    /// <summary>The sequence layout of the flags: bit 0 bidirectional, bit 1 two layers, bit 2 no biases, bit 3 an initial state.</summary>
    private static (int Layers, int Directions, bool Bias, bool State) SequenceFlags(int flags) =>
        (1 + ((flags >> 1) & 1), 1 + (flags & 1), ((flags >> 2) & 1) == 0, ((flags >> 3) & 1) == 1);

    /// <summary>x [B, T, in], then each layer's and direction's parameters in PyTorch's order, then h0 (and c0) [L·D, B, H]; dims (B, T, in, H).</summary>
    private static Func<int[], int, int[][]> SequenceShapes(string kind) => (dims, flags) =>
    {
        int b = dims[0], t = dims[1], i = dims[2], h = dims[3], g = GatesOf(kind) * h;
        var (layers, dirs, bias, state) = SequenceFlags(flags);
        var shapes = new List<int[]> { new[] { b, t, i } };
        for (int l = 0; l < layers; l++)
            for (int d = 0; d < dirs; d++)
            {
                shapes.Add([g, l == 0 ? i : h * dirs]);
                shapes.Add([g, h]);
                if (bias) { shapes.Add([g]); shapes.Add([g]); }
            }
        if (state)
        {
            shapes.Add([layers * dirs, b, h]);
            if (kind == "lstm") shapes.Add([layers * dirs, b, h]);
        }
        return [.. shapes];
    };

    /// <summary>The output sequence and the final state, flattened and joined, so the check covers both.</summary>
    private static Func<CaseInfo, Func<Tensor[], Tensor>> SequenceOf(string kind, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh) => c =>
    {
        var (layers, dirs, bias, withState) = SequenceFlags(c.Flags);
        int per = bias ? 4 : 2, count = layers * dirs * per;
        return xs =>
        {
            var weights = xs[1..(1 + count)];
            RecurrentLayer net = kind switch
            {
                "lstm" => Lstm.FromWeights(weights, layers, dirs == 2, bias),
                "gru" => Gru.FromWeights(weights, layers, dirs == 2, bias),
                _ => Rnn.FromWeights(weights, layers, dirs == 2, bias, nonlinearity),
            };
            RecurrentState? state = withState ? new RecurrentState(xs[1 + count], kind == "lstm" ? xs[2 + count] : null) : null;
            var (output, final) = net.Forward(xs[0], state);
            var parts = new List<Tensor> { output.Reshape([-1]), final.H.Reshape([-1]) };
            if (final.C is not null) parts.Add(final.C.Reshape([-1]));
            return Tensor.Concat(parts);
        };
    };

    /// <summary>One step of a cell from the given state; an LSTM's h' and c' joined along the features.</summary>
    private static Func<CaseInfo, Func<Tensor[], Tensor>> CellOf(string kind, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh) => _ => xs =>
    {
        int w = kind == "lstm" ? 3 : 2; // where W_ih is: after x, h (and c)
        Tensor? bIh = xs.Length > w + 2 ? xs[w + 2] : null, bHh = xs.Length > w + 2 ? xs[w + 3] : null;
        if (kind == "lstm")
        {
            var (h, cNext) = LstmCell.FromWeights(xs[3], xs[4], bIh, bHh).Forward(xs[0], (xs[1], xs[2]));
            return Tensor.Concat([h, cNext], 1);
        }
        return kind == "gru"
            ? GruCell.FromWeights(xs[2], xs[3], bIh, bHh).Forward(xs[0], xs[1])
            : RnnCell.FromWeights(xs[2], xs[3], bIh, bHh, nonlinearity).Forward(xs[0], xs[1]);
    };

    /// <summary>
    /// A table [count, dim] from dims (count, dim) and lookups of a [B, T] grid of indices (repeats
    /// likely). With flag bit 0 (and count ≥ 2) one row is the padding row, which the lookups avoid:
    /// its gradient is 0 by definition, not the function's derivative (EmbeddingTests checks it).
    /// </summary>
    private static Func<CaseInfo, Func<Tensor[], Tensor>> EmbeddingOf => c =>
    {
        int count = c.Shape[0], b = 1 + c.Random.NextInt(3), t = 1 + c.Random.NextInt(4);
        int padding = (c.Flags & 1) == 1 && count > 1 ? c.Random.NextInt(count) : -1;
        var idx = c.Indices(b * t, () => { int k = c.Random.NextInt(padding < 0 ? count : count - 1); return padding >= 0 && k >= padding ? k + 1 : k; });
        return xs => xs[0].Embedding(idx, padding).Reshape([b, t, -1]);
    };

    private static readonly OpCase[] RecurrentRows =
    [
        new("nn rnn_cell tanh", (3, 3), CellShapes("rnn"), CellOf("rnn"), [Any]),
        new("nn rnn_cell relu", (3, 3), CellShapes("rnn"), CellOf("rnn", RnnNonlinearity.ReLU), [Any]),
        new("nn lstm_cell", (3, 3), CellShapes("lstm"), CellOf("lstm"), [Any]),
        new("nn gru_cell", (3, 3), CellShapes("gru"), CellOf("gru"), [Any]),
        new("nn rnn tanh", (4, 4), SequenceShapes("rnn"), SequenceOf("rnn"), [Any]),
        new("nn rnn relu", (4, 4), SequenceShapes("rnn"), SequenceOf("rnn", RnnNonlinearity.ReLU), [Any]),
        new("nn lstm", (4, 4), SequenceShapes("lstm"), SequenceOf("lstm"), [Any]),
        new("nn gru", (4, 4), SequenceShapes("gru"), SequenceOf("gru"), [Any]),
        new("embedding", (2, 2), (dims, _) => [dims], EmbeddingOf, [Any]),
        new("nn last_time_step", (3, 3), (dims, _) => [dims], _ => xs => new LastTimeStep().Forward(xs[0]), [Any]),
    ];
}
