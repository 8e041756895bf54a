using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// A long short-term memory unit, as <c>torch.nn.LSTMCell</c>, gates in PyTorch's order i, f, g, o
/// (W_ih [4H, in], W_hh [4H, H]): with a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split in four blocks,
/// i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
/// </summary>
/// <remarks>
/// The cell state c is carried by an additive path (c' = f ⊙ c + …), so its gradient through T
/// steps is a product of forget gates rather than of W_hh·diag(φ') as in a plain RNN: that is what
/// lets an LSTM learn long-range dependencies.
/// </remarks>
public sealed class LstmCell : RecurrentCell
{
    /// <summary>A cell with weights and biases drawn from U(−1/√H, 1/√H), as PyTorch's.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public LstmCell(int inputSize, int hiddenSize, Generator generator, bool bias = true, DType dtype = DType.Float32)
        : base("LstmCell", 4, inputSize, hiddenSize, generator, bias, dtype)
    {
    }

    private LstmCell(Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh)
        : base("LstmCell", 4, weightIh, weightHh, biasIh, biasHh)
    {
    }

    /// <summary>A cell whose parameters ARE the given tensors: W_ih [4H, in], W_hh [4H, H], b_ih and b_hh [4H] (both or neither).</summary>
    /// <exception cref="ShapeException">The shapes do not fit together.</exception>
    public static LstmCell FromWeights(Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null) =>
        new(weightIh, weightHh, biasIh, biasHh);

    /// <summary>One step: x [B, in] and (h, c) [B, H] give (h', c').</summary>
    /// <exception cref="ShapeException">x, h or c has the wrong shape.</exception>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C) state)
    {
        using var _ = SourceSite.Enter("LstmCell", "", 0);
        var xProj = Project(input);
        CheckState("the hidden state h", state.H, input.Shape[0]);
        CheckState("the cell state c", state.C, input.Shape[0]);
        return RecurrentSteps.Lstm(xProj, state.H, state.C, WeightHh, BiasHh);
    }

    /// <summary>[x] or [x, h, c] → [h′, c′] (a missing state is zeros): the step as a module of several inputs.</summary>
    /// <exception cref="ArgumentException">Not one or three inputs.</exception>
    public override Tensor[] Forward(Tensor[] inputs)
    {
        var xs = RecurrentChecks.StepInputs(this, inputs, 3);
        if (xs.Length == 3)
        {
            var (h, c) = Forward(xs[0], (xs[1], xs[2]));
            return [h, c];
        }
        var zero = Tensor.Zeros(xs[0].DType, xs[0].Shape[0], HiddenSize);
        var (h0, c0) = Forward(xs[0], (zero, zero));
        return [h0, c0];
    }

    /// <summary>One step from h = c = 0, returning h'.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var zero = ZeroState(input.Rank > 0 ? input.Shape[0] : 0);
        return Forward(input, (zero, zero)).H;
    }
}
