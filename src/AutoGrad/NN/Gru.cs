namespace AutoGrad.NN;

/// <summary>
/// A gated recurrent network over batch-first sequences, as <c>torch.nn.GRU(batch_first=True)</c>:
/// the <see cref="GruCell"/> step (gates r, z, n) per layer and direction (see <see cref="RecurrentLayer"/>).
/// </summary>
public sealed class Gru : RecurrentLayer
{
    /// <summary>A network with PyTorch's initialization U(−1/√H, 1/√H).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or dropout is outside [0, 1).</exception>
    public Gru(int inputSize, int hiddenSize, Generator generator, int layers = 1, bool bidirectional = false, double dropout = 0,
        bool bias = true, DType dtype = DType.Float32)
        : base("Gru", 3, inputSize, hiddenSize, generator, layers, bidirectional, dropout, bias, dtype)
    {
    }

    private Gru(IReadOnlyList<Tensor> parameters, int layers, bool bidirectional, bool bias)
        : base("Gru", 3, parameters, layers, bidirectional, bias)
    {
    }

    /// <summary>
    /// A network whose parameters ARE the given tensors, in PyTorch's state_dict order: for each
    /// layer and direction weight_ih [3H, in], weight_hh [3H, H] and (with bias) bias_ih, bias_hh [3H].
    /// </summary>
    /// <exception cref="ArgumentException">The count of tensors is wrong, or the shapes do not fit.</exception>
    public static Gru FromWeights(IReadOnlyList<Tensor> parameters, int layers = 1, bool bidirectional = false, bool bias = true) =>
        new(parameters, layers, bidirectional, bias);

    private protected override bool HasCellState => false;

    private protected override (Tensor H, Tensor? C) Step(Tensor xProj, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh) =>
        (RecurrentSteps.Gru(xProj, h, weightHh, biasHh), null);
}
