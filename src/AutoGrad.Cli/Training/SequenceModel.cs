using System.Globalization;
using AutoGrad.NN;

namespace AutoGrad.Cli.Training;

/// <summary>What a recurrent model of <c>autograd train</c> predicts.</summary>
public enum SequenceTask
{
    /// <summary>One-step-ahead regression on a time series: sequence to one (the last step's hidden state → Linear → one value).</summary>
    Series,

    /// <summary>A character-level language model: one-hot characters → recurrent → Linear at every step → logits over the vocabulary.</summary>
    Text,
}

/// <summary>
/// The network of <c>--model rnn|lstm|gru</c>: a stack of <see cref="Rnn"/> (tanh), <see cref="Lstm"/>
/// or <see cref="Gru"/> layers over batch-first sequences, inverted dropout on its outputs (and,
/// with several layers, between them), and a <see cref="Linear"/> read-out: on the last step for a
/// series (sequence to one, one output), on every step for text (sequence to sequence, one logit per
/// character of the vocabulary). Parameters are named <c>rnn.weight_ih_l0</c>, …, <c>head.weight</c>, <c>head.bias</c>.
/// </summary>
public sealed class SequenceModel : Module
{
    public static readonly string[] Kinds = ["rnn", "lstm", "gru"];

    public string Kind { get; }
    public SequenceTask Task { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }
    public int Layers { get; }
    public double DropoutP { get; }
    public int OutputSize { get; }
    public RecurrentLayer Recurrent { get; }
    public Linear Head { get; }
    private readonly Dropout? _dropout;

    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public SequenceModel(string kind, SequenceTask task, int inputSize, int hiddenSize, int layers, double dropout, int outputSize, Generator g)
    {
        Kind = kind;
        Task = task;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Layers = layers;
        DropoutP = dropout;
        OutputSize = outputSize;
        Recurrent = RegisterModule<RecurrentLayer>("rnn", kind switch
        {
            "rnn" => new Rnn(inputSize, hiddenSize, g.Fork(), layers, dropout: dropout),
            "lstm" => new Lstm(inputSize, hiddenSize, g.Fork(), layers, dropout: dropout),
            "gru" => new Gru(inputSize, hiddenSize, g.Fork(), layers, dropout: dropout),
            _ => throw new ArgumentException($"unknown recurrent model '{kind}'; expected one of {string.Join(", ", Kinds)}", nameof(kind)),
        });
        if (dropout > 0) _dropout = RegisterModule("dropout", new Dropout(dropout, g.Fork()));
        Head = RegisterModule("head", new Linear(hiddenSize, outputSize, g.Fork()));
    }

    /// <summary>Whether <paramref name="model"/> names a recurrent model.</summary>
    public static bool IsRecurrent(string model) => Kinds.Contains(model);

    /// <summary>The sizes for the data line: [inputs, hidden × layers, outputs].</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind} [{InputSize}, {HiddenSize}{(Layers > 1 ? $"x{Layers}" : "")}, {OutputSize}]{(Task == SequenceTask.Series ? " on the last step" : " at every step")}");

    /// <summary>Series: [B, 1] from [B, T, 1]; text: logits [B, T, V] from one-hot [B, T, V]; from a zero state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).Output;

    /// <summary>The model's outputs and the recurrent state after the last step, starting from <paramref name="state"/> (null: zeros).</summary>
    public (Tensor Output, RecurrentState State) Forward(Tensor input, RecurrentState? state)
    {
        var (h, next) = Recurrent.Forward(input, state);
        if (Task == SequenceTask.Series) h = h.Select(1, h.Shape[1] - 1);
        if (_dropout is not null) h = _dropout.Forward(h);
        return (Head.Forward(h), next);
    }
}
