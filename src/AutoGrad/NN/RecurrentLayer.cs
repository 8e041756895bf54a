using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// What <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> share: a stack of recurrent
/// layers, each optionally bidirectional, over batch-first sequences [B, T, features], with
/// PyTorch's parameters (names, shapes, gate order and initialization U(−1/√H, 1/√H)), so a
/// state_dict ports both ways unchanged.
/// </summary>
/// <remarks>
/// <para>Each layer and direction computes its input projections x_t·W_ihᵀ + b_ih for all T steps
/// in one matrix product ([B·T, in]·[in, gates·H]), then runs the recurrent step T times (the
/// reverse direction from t = T−1 down to 0). Layer l + 1 reads layer l's output (both directions
/// concatenated), through dropout when <see cref="Dropout"/> &gt; 0 (not after the last layer).</para>
/// <para>The unrolled steps are ordinary ops on the tape, so backprop through time is the tape's
/// reverse sweep: the gradient of a weight is the sum of its contributions at every step.</para>
/// </remarks>
public abstract class RecurrentLayer : Module
{
    private readonly Tensor[] _weightIh, _weightHh;
    private readonly Tensor?[] _biasIh, _biasHh;
    private readonly Dropout? _dropout;

    /// <summary>Input features per step.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units H per layer and direction.</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked layers.</summary>
    public int Layers { get; }

    /// <summary>True when every layer also runs from the last step to the first.</summary>
    public bool Bidirectional { get; }

    /// <summary>Directions per layer: 1 or 2.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Features of the output per step: H·directions.</summary>
    public int OutputSize => HiddenSize * Directions;

    /// <summary>Dropout probability on the outputs of every layer but the last (training only).</summary>
    public double Dropout { get; }

    /// <summary>Gate blocks: 1 (RNN), 4 (LSTM) or 3 (GRU).</summary>
    public int Gates { get; }

    private protected RecurrentLayer(string kind, int gates, int inputSize, int hiddenSize, Generator generator, int layers, bool bidirectional, double dropout, bool bias, DType dtype)
    {
        Guard.Positive(kind, nameof(inputSize), inputSize);
        Guard.Positive(kind, nameof(hiddenSize), hiddenSize);
        Guard.Positive(kind, nameof(layers), layers);
        Guard.InRange(kind, nameof(dropout), dropout, 0, 1, maxExclusive: true);
        ArgumentNullException.ThrowIfNull(generator);
        (Gates, InputSize, HiddenSize, Layers, Bidirectional, Dropout) = (gates, inputSize, hiddenSize, layers, bidirectional, dropout);
        int count = layers * Directions;
        (_weightIh, _weightHh, _biasIh, _biasHh) = (new Tensor[count], new Tensor[count], new Tensor?[count], new Tensor?[count]);
        double k = 1 / Math.Sqrt(hiddenSize);
        Tensor Draw(params int[] shape) => Init.Uniform(Tensor.Zeros(dtype, shape), -k, k, generator);
        for (int l = 0; l < layers; l++)
            for (int d = 0; d < Directions; d++)
            {
                int j = l * Directions + d, inFeatures = l == 0 ? inputSize : OutputSize;
                string suffix = Suffix(l, d);
                _weightIh[j] = RegisterParameter("weight_ih" + suffix, Draw(gates * hiddenSize, inFeatures));
                _weightHh[j] = RegisterParameter("weight_hh" + suffix, Draw(gates * hiddenSize, hiddenSize));
                if (bias)
                {
                    _biasIh[j] = RegisterParameter("bias_ih" + suffix, Draw(gates * hiddenSize), isBias: true);
                    _biasHh[j] = RegisterParameter("bias_hh" + suffix, Draw(gates * hiddenSize), isBias: true);
                }
            }
        if (dropout > 0 && layers > 1) _dropout = RegisterModule("dropout", new Dropout(dropout, generator));
    }

    private protected RecurrentLayer(string kind, int gates, IReadOnlyList<Tensor> parameters, int layers, bool bidirectional, bool bias)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.Positive(kind, nameof(layers), layers);
        (Gates, Layers, Bidirectional) = (gates, layers, bidirectional);
        int count = layers * Directions, per = bias ? 4 : 2;
        if (parameters.Count != count * per)
            throw new ArgumentException($"{kind}.FromWeights: {layers} layer(s) × {Directions} direction(s) × {per} tensors ({(bias ? "weight_ih, weight_hh, bias_ih, bias_hh" : "weight_ih, weight_hh")}) need {count * per} tensors, got {parameters.Count}", nameof(parameters));
        (_weightIh, _weightHh, _biasIh, _biasHh) = (new Tensor[count], new Tensor[count], new Tensor?[count], new Tensor?[count]);
        for (int l = 0; l < layers; l++)
            for (int d = 0; d < Directions; d++)
            {
                int j = l * Directions + d, at = j * per;
                string suffix = Suffix(l, d);
                Tensor wIh = parameters[at], wHh = parameters[at + 1];
                Tensor? bIh = bias ? parameters[at + 2] : null, bHh = bias ? parameters[at + 3] : null;
                var (inFeatures, hidden) = RecurrentChecks.Weights(kind, suffix, gates, wIh, wHh, bIh, bHh);
                if (j == 0) (InputSize, HiddenSize) = (inFeatures, hidden);
                if (hidden != HiddenSize)
                    throw ShapeErrors.WrongShape(kind, "weight_hh" + suffix, wHh.ShapeArray, $"H = {HiddenSize} (weight_hh_l0)", ShapeErrors.At(1, hidden, HiddenSize), $"[{gates * HiddenSize}, {HiddenSize}]");
                if (l > 0 && inFeatures != OutputSize)
                    throw ShapeErrors.WrongShape(kind, "weight_ih" + suffix, wIh.ShapeArray, $"the {OutputSize} output features of layer {l - 1}", ShapeErrors.At(1, inFeatures, OutputSize), $"[{gates * HiddenSize}, {OutputSize}]");
                Guard.SameDType(kind, parameters[0], wIh);
                _weightIh[j] = RegisterParameter("weight_ih" + suffix, wIh);
                _weightHh[j] = RegisterParameter("weight_hh" + suffix, wHh);
                if (bias)
                {
                    _biasIh[j] = RegisterParameter("bias_ih" + suffix, bIh!, isBias: true);
                    _biasHh[j] = RegisterParameter("bias_hh" + suffix, bHh!, isBias: true);
                }
            }
    }

    /// <summary>PyTorch's parameter-name suffix of a layer and direction: <c>_l0</c>, <c>_l0_reverse</c>, <c>_l1</c>, ….</summary>
    public static string Suffix(int layer, int direction) => $"_l{layer}{(direction == 1 ? "_reverse" : "")}";

    /// <summary>The output sequence [B, T, H·directions] from a zero initial state.</summary>
    /// <exception cref="ShapeException">The input is not [B, T, InputSize] with B, T ≥ 1.</exception>
    public override Tensor Forward(Tensor input) => Run(input, null, wantState: false).Output;

    /// <summary>
    /// The output sequence [B, T, H·directions] (the last layer's h_t at every step, directions
    /// concatenated) and the final state of every layer and direction, from <paramref name="state"/>
    /// (null: zeros).
    /// </summary>
    /// <exception cref="ShapeException">The input is not [B, T, InputSize] with B, T ≥ 1, or the state is not [layers·directions, B, H].</exception>
    public (Tensor Output, RecurrentState State) Forward(Tensor input, RecurrentState? state)
    {
        var (output, final) = Run(input, state, wantState: true);
        return (output, final!);
    }

    /// <summary>One step of the unit: (h_t, c_t) from x̂_t = x_t·W_ihᵀ + b_ih and (h_{t−1}, c_{t−1}).</summary>
    private protected abstract (Tensor H, Tensor? C) Step(Tensor xProj, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh);

    private protected abstract bool HasCellState { get; }

    private (Tensor Output, RecurrentState? State) Run(Tensor input, RecurrentState? state, bool wantState)
    {
        string kind = GetType().Name;
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 3 || input.Shape[2] != InputSize)
            throw ShapeErrors.WrongShape(kind, "the input", input.ShapeArray, $"{InputSize} input features per step (weight_ih_l0 {Shapes.Format(_weightIh[0].Shape)})",
                input.Rank != 3 ? ShapeErrors.Ranks(input.Rank, 3) : ShapeErrors.At(2, "the input", 1, "weight_ih_l0", input.Shape[2], InputSize), $"[batch, time, {InputSize}] (batch first)");
        int batch = input.Shape[0], time = input.Shape[1];
        if (batch == 0 || time == 0)
            throw ShapeErrors.EmptySequence(kind, input.ShapeArray, batch == 0);
        Guard.SameDType(kind, input, _weightIh[0]);
        int count = Layers * Directions;
        if (state is not null) CheckState(kind, state, batch, count);

        using var _ = SourceSite.Enter(kind, "", 0);
        var finalH = wantState ? new Tensor[count] : null;
        var finalC = wantState && HasCellState ? new Tensor[count] : null;
        var layerInput = input;
        for (int l = 0; l < Layers; l++)
        {
            if (l > 0 && _dropout is not null) layerInput = _dropout.Forward(layerInput);
            int inFeatures = layerInput.Shape[2];
            var flat = layerInput.Reshape([batch * time, inFeatures]);
            var outputs = new Tensor[Directions];
            for (int d = 0; d < Directions; d++)
            {
                int j = l * Directions + d;
                var xProj = Tensor.MatmulT(flat, _weightIh[j], false, true);
                if (_biasIh[j] is { } b) xProj += b;
                xProj = xProj.Reshape([batch, time, Gates * HiddenSize]);
                Tensor h = state?.H.Select(0, j) ?? Tensor.Zeros(input.DType, batch, HiddenSize);
                Tensor? c = HasCellState ? state?.C!.Select(0, j) ?? Tensor.Zeros(input.DType, batch, HiddenSize) : null;
                var steps = new Tensor[time];
                for (int s = 0; s < time; s++)
                {
                    int t = d == 0 ? s : time - 1 - s;
                    (h, c) = Step(xProj.Select(1, t), h, c, _weightHh[j], _biasHh[j]);
                    steps[t] = h;
                }
                outputs[d] = time == 1 ? steps[0].Unsqueeze(1) : Tensor.Stack(steps, 1);
                if (finalH is not null) finalH[j] = h;
                if (finalC is not null) finalC[j] = c!;
            }
            layerInput = Directions == 1 ? outputs[0] : Tensor.Concat(outputs, 2);
        }
        RecurrentState? final = finalH is null ? null
            : new RecurrentState(count == 1 ? finalH[0].Unsqueeze(0) : Tensor.Stack(finalH, 0),
                finalC is null ? null : count == 1 ? finalC[0].Unsqueeze(0) : Tensor.Stack(finalC, 0));
        return (layerInput, final);
    }

    private void CheckState(string kind, RecurrentState state, int batch, int count)
    {
        int[] expected = [count, batch, HiddenSize];
        string what = $"{Layers} layer(s) × {Directions} direction(s), a batch of {batch} and {HiddenSize} hidden units";
        if (ShapeErrors.FirstDifference(state.H.ShapeArray, expected) is { } dh)
            throw ShapeErrors.WrongShape(kind, "the initial state H", state.H.ShapeArray, what, dh, Shapes.Format(expected) + " ([layers·directions, batch, hidden])");
        Guard.SameDType(kind, state.H, _weightIh[0]);
        if (HasCellState)
        {
            if (state.C is null)
                throw new ArgumentException($"{kind}: the initial state has no cell state C; an LSTM state needs both H and C, each {Shapes.Format(expected)}", nameof(state));
            if (ShapeErrors.FirstDifference(state.C.ShapeArray, expected) is { } dc)
                throw ShapeErrors.WrongShape(kind, "the initial state C", state.C.ShapeArray, what, dc, Shapes.Format(expected) + " ([layers·directions, batch, hidden])");
            Guard.SameDType(kind, state.C, _weightIh[0]);
        }
        else if (state.C is not null)
            throw new ArgumentException($"{kind}: the initial state has a cell state C {Shapes.Format(state.C.Shape)}; only an LSTM has one (give C = null)", nameof(state));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{GetType().Name}({InputSize} -> {HiddenSize}{(Layers > 1 ? $", layers={Layers}" : "")}{(Bidirectional ? ", bidirectional" : "")}{(Dropout > 0 ? $", dropout={Dropout}" : "")}{(_biasIh[0] is null ? ", no bias" : "")})";
}
