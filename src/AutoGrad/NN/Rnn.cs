namespace AutoGrad.NN;

/// <summary>
/// A plain (Elman) recurrent network over batch-first sequences, as
/// <c>torch.nn.RNN(batch_first=True)</c>: h_t = φ(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) per
/// layer and direction (see <see cref="RecurrentLayer"/>).
/// </summary>
public sealed class Rnn : RecurrentLayer
{
    /// <summary>φ: tanh or ReLU.</summary>
    public RnnNonlinearity Nonlinearity { get; }

    /// <summary>A network with PyTorch's initialization U(−1/√H, 1/√H).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or dropout is outside [0, 1).</exception>
    public Rnn(int inputSize, int hiddenSize, Generator generator, int layers = 1, bool bidirectional = false, double dropout = 0,
        RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh, bool bias = true, DType dtype = DType.Float32)
        : base("Rnn", 1, inputSize, hiddenSize, generator, layers, bidirectional, dropout, bias, dtype) => Nonlinearity = nonlinearity;

    private Rnn(IReadOnlyList<Tensor> parameters, int layers, bool bidirectional, bool bias, RnnNonlinearity nonlinearity)
        : base("Rnn", 1, parameters, layers, bidirectional, bias) => Nonlinearity = nonlinearity;

    /// <summary>
    /// A network whose parameters ARE the given tensors, in PyTorch's state_dict order: for each
    /// layer and direction weight_ih [H, in], weight_hh [H, H] and (with bias) bias_ih, bias_hh [H].
    /// </summary>
    /// <exception cref="ArgumentException">The count of tensors is wrong, or the shapes do not fit.</exception>
    public static Rnn FromWeights(IReadOnlyList<Tensor> parameters, int layers = 1, bool bidirectional = false, bool bias = true,
        RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh) => new(parameters, layers, bidirectional, bias, nonlinearity);

    private protected override bool HasCellState => false;

    private protected override (Tensor H, Tensor? C) Step(Tensor xProj, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh) =>
        (RecurrentSteps.Rnn(xProj, h, weightHh, biasHh, Nonlinearity), null);
}
