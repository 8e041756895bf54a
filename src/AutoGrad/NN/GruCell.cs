using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// A gated recurrent unit, as <c>torch.nn.GRUCell</c>, gates in PyTorch's order r, z, n
/// (W_ih [3H, in], W_hh [3H, H]): r = σ(x̂_r + ĥ_r), z = σ(x̂_z + ĥ_z),
/// n = tanh(x̂_n + r ⊙ ĥ_n), h' = (1 − z) ⊙ n + z ⊙ h, where x̂ = x·W_ihᵀ + b_ih and
/// ĥ = h·W_hhᵀ + b_hh: the reset gate multiplies W_hn·h + b_hn, bias included, as PyTorch does.
/// </summary>
public sealed class GruCell : RecurrentCell
{
    /// <summary>A cell with weights and biases drawn from U(−1/√H, 1/√H), as PyTorch's.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public GruCell(int inputSize, int hiddenSize, Generator generator, bool bias = true, DType dtype = DType.Float32)
        : base("GruCell", 3, inputSize, hiddenSize, generator, bias, dtype)
    {
    }

    private GruCell(Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh)
        : base("GruCell", 3, weightIh, weightHh, biasIh, biasHh)
    {
    }

    /// <summary>A cell whose parameters ARE the given tensors: W_ih [3H, in], W_hh [3H, H], b_ih and b_hh [3H] (both or neither).</summary>
    /// <exception cref="ShapeException">The shapes do not fit together.</exception>
    public static GruCell FromWeights(Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null) =>
        new(weightIh, weightHh, biasIh, biasHh);

    /// <summary>One step: x [B, in] and h [B, H] give h' [B, H].</summary>
    /// <exception cref="ShapeException">x or h has the wrong shape.</exception>
    public Tensor Forward(Tensor input, Tensor hidden)
    {
        using var _ = SourceSite.Enter("GruCell", "", 0);
        var xProj = Project(input);
        CheckState("the hidden state h", hidden, input.Shape[0]);
        return RecurrentSteps.Gru(xProj, hidden, WeightHh, BiasHh);
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
