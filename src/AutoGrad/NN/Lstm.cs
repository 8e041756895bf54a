namespace AutoGrad.NN;

/// <summary>
/// A long short-term memory network over batch-first sequences, as
/// <c>torch.nn.LSTM(batch_first=True)</c>: the <see cref="LstmCell"/> step (gates i, f, g, o) per
/// layer and direction; its state carries both h and c (see <see cref="RecurrentLayer"/>).
/// </summary>
public sealed class Lstm : RecurrentLayer
{
    /// <summary>A network with PyTorch's initialization U(−1/√H, 1/√H).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or dropout is outside [0, 1).</exception>
    public Lstm(int inputSize, int hiddenSize, Generator generator, int layers = 1, bool bidirectional = false, double dropout = 0,
        bool bias = true, DType dtype = DType.Float32)
        : base("Lstm", 4, inputSize, hiddenSize, generator, layers, bidirectional, dropout, bias, dtype)
    {
    }

    private Lstm(IReadOnlyList<Tensor> parameters, int layers, bool bidirectional, bool bias)
        : base("Lstm", 4, parameters, layers, bidirectional, bias)
    {
    }

    /// <summary>
    /// A network whose parameters ARE the given tensors, in PyTorch's state_dict order: for each
    /// layer and direction weight_ih [4H, in], weight_hh [4H, H] and (with bias) bias_ih, bias_hh [4H].
    /// </summary>
    /// <exception cref="ArgumentException">The count of tensors is wrong, or the shapes do not fit.</exception>
    public static Lstm FromWeights(IReadOnlyList<Tensor> parameters, int layers = 1, bool bidirectional = false, bool bias = true) =>
        new(parameters, layers, bidirectional, bias);

    private protected override bool HasCellState => true;

    private protected override (Tensor H, Tensor? C) Step(Tensor xProj, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh) =>
        RecurrentSteps.Lstm(xProj, h, c!, weightHh, biasHh);
}
