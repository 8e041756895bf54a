using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// What <see cref="RnnCell"/>, <see cref="LstmCell"/> and <see cref="GruCell"/> share: PyTorch's
/// parameters <c>weight_ih</c> [gates·H, in], <c>weight_hh</c> [gates·H, H], <c>bias_ih</c> and
/// <c>bias_hh</c> [gates·H] (so weights port both ways unchanged), drawn from U(−1/√H, 1/√H) like
/// PyTorch's, and the checks of an input and a state.
/// </summary>
public abstract class RecurrentCell : Module
{
    /// <summary>Input features per step.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units H.</summary>
    public int HiddenSize { get; }

    /// <summary>Gate blocks stacked in the weights: 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n).</summary>
    public int Gates { get; }

    /// <summary>W_ih, [gates·H, in].</summary>
    public Tensor WeightIh { get; }

    /// <summary>W_hh, [gates·H, H].</summary>
    public Tensor WeightHh { get; }

    /// <summary>b_ih, [gates·H], or null without biases.</summary>
    public Tensor? BiasIh { get; }

    /// <summary>b_hh, [gates·H], or null without biases.</summary>
    public Tensor? BiasHh { get; }

    private protected RecurrentCell(string kind, int gates, int inputSize, int hiddenSize, Generator generator, bool bias, DType dtype)
    {
        Guard.Positive(kind, nameof(inputSize), inputSize);
        Guard.Positive(kind, nameof(hiddenSize), hiddenSize);
        ArgumentNullException.ThrowIfNull(generator);
        (InputSize, HiddenSize, Gates) = (inputSize, hiddenSize, gates);
        double k = 1 / Math.Sqrt(hiddenSize);
        Tensor Draw(params int[] shape) => Init.Uniform(Tensor.Zeros(dtype, shape), -k, k, generator);
        WeightIh = RegisterParameter("weight_ih", Draw(gates * hiddenSize, inputSize));
        WeightHh = RegisterParameter("weight_hh", Draw(gates * hiddenSize, hiddenSize));
        if (bias)
        {
            BiasIh = RegisterParameter("bias_ih", Draw(gates * hiddenSize), isBias: true);
            BiasHh = RegisterParameter("bias_hh", Draw(gates * hiddenSize), isBias: true);
        }
    }

    private protected RecurrentCell(string kind, int gates, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh)
    {
        var (inputSize, hiddenSize) = RecurrentChecks.Weights(kind, "", gates, weightIh, weightHh, biasIh, biasHh);
        (InputSize, HiddenSize, Gates) = (inputSize, hiddenSize, gates);
        WeightIh = RegisterParameter("weight_ih", weightIh);
        WeightHh = RegisterParameter("weight_hh", weightHh);
        if (biasIh is not null) BiasIh = RegisterParameter("bias_ih", biasIh, isBias: true);
        if (biasHh is not null) BiasHh = RegisterParameter("bias_hh", biasHh, isBias: true);
    }

    /// <summary>x·W_ihᵀ + b_ih for x [B, in], after checking x.</summary>
    private protected Tensor Project(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string kind = GetType().Name;
        if (input.Rank != 2 || input.Shape[1] != InputSize)
            throw ShapeErrors.WrongShape(kind, "the input", input.ShapeArray, $"a cell with {InputSize} inputs (weight_ih {Shapes.Format(WeightIh.Shape)})",
                input.Rank != 2 ? ShapeErrors.Ranks(input.Rank, 2) : ShapeErrors.At(1, "the input", 1, "weight_ih", input.Shape[1], InputSize), $"[batch, {InputSize}]");
        Guard.SameDType(kind, input, WeightIh);
        var p = Tensor.MatmulT(input, WeightIh, false, true);
        return BiasIh is null ? p : p + BiasIh;
    }

    /// <summary>Checks a state h or c against [batch, H] and the parameters' dtype.</summary>
    private protected void CheckState(string argument, Tensor state, int batch)
    {
        ArgumentNullException.ThrowIfNull(state, argument);
        string kind = GetType().Name;
        if (ShapeErrors.FirstDifference(state.ShapeArray, [batch, HiddenSize]) is { } difference)
            throw ShapeErrors.WrongShape(kind, argument, state.ShapeArray, $"a batch of {batch} and {HiddenSize} hidden units", difference, $"[{batch}, {HiddenSize}]");
        Guard.SameDType(kind, state, WeightIh);
    }

    /// <summary>A zero state [batch, H] of the parameters' dtype.</summary>
    private protected Tensor ZeroState(int batch) => Tensor.Zeros(WeightIh.DType, batch, HiddenSize);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({InputSize} -> {HiddenSize}{(BiasIh is null ? ", no bias" : "")})";
}
