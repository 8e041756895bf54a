using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// A plain (Elman) recurrent unit, as <c>torch.nn.RNNCell</c>:
/// h' = φ(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) with φ = tanh or ReLU; W_ih [H, in], W_hh [H, H].
/// </summary>
/// <remarks>
/// The same weights act at every time step; unrolled over a sequence, the gradient of W_hh is the
/// sum over steps of δ_t·h_{t−1}ᵀ (backprop through time), which the tape accumulates with no
/// backward code here.
/// </remarks>
public sealed class RnnCell : RecurrentCell
{
    /// <summary>φ.</summary>
    public RnnNonlinearity Nonlinearity { get; }

    /// <summary>A cell with weights and biases drawn from U(−1/√H, 1/√H), as PyTorch's.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public RnnCell(int inputSize, int hiddenSize, Generator generator, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh, bool bias = true, DType dtype = DType.Float32)
        : base("RnnCell", 1, inputSize, hiddenSize, generator, bias, dtype) => Nonlinearity = nonlinearity;

    private RnnCell(Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh, RnnNonlinearity nonlinearity)
        : base("RnnCell", 1, weightIh, weightHh, biasIh, biasHh) => Nonlinearity = nonlinearity;

    /// <summary>A cell whose parameters ARE the given tensors: W_ih [H, in], W_hh [H, H], b_ih and b_hh [H] (both or neither).</summary>
    /// <exception cref="ShapeException">The shapes do not fit together.</exception>
    public static RnnCell FromWeights(Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh) =>
        new(weightIh, weightHh, biasIh, biasHh, nonlinearity);

    /// <summary>One step: x [B, in] and h [B, H] give h' [B, H].</summary>
    /// <exception cref="ShapeException">x or h has the wrong shape.</exception>
    public Tensor Forward(Tensor input, Tensor hidden)
    {
        using var _ = SourceSite.Enter("RnnCell", "", 0);
        var xProj = Project(input);
        CheckState("the hidden state h", hidden, input.Shape[0]);
        return RecurrentSteps.Rnn(xProj, hidden, WeightHh, BiasHh, Nonlinearity);
    }

    /// <summary>[x] or [x, h] → [h′] (a missing h is zeros): the step as a module of several inputs.</summary>
    /// <exception cref="ArgumentException">Not one or two inputs.</exception>
    public override Tensor[] Forward(Tensor[] inputs) => RecurrentChecks.StepInputs(this, inputs, 2) is { Length: 2 } xs ? [Forward(xs[0], xs[1])] : [Forward(inputs[0])];

    /// <summary>One step from h = 0.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Forward(input, ZeroState(input.Rank > 0 ? input.Shape[0] : 0));
    }
}
