namespace AutoGrad.NN;

/// <summary>Checks of given recurrent weights and of sequences, with errors naming the module, the argument and the shapes.</summary>
internal static class RecurrentChecks
{
    /// <summary>
    /// Checks W_ih [gates·H, in], W_hh [gates·H, H] and biases [gates·H] (both or neither), all one
    /// dtype; returns (in, H). <paramref name="suffix"/> names the layer (e.g. <c>_l1_reverse</c>).
    /// </summary>
    public static (int InputSize, int HiddenSize) Weights(string kind, string suffix, int gates, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh)
    {
        ArgumentNullException.ThrowIfNull(weightIh);
        ArgumentNullException.ThrowIfNull(weightHh);
        if ((biasIh is null) != (biasHh is null))
            throw new ArgumentException($"{kind}: bias_ih{suffix} and bias_hh{suffix} must be given together (got only {(biasIh is null ? "bias_hh" : "bias_ih")}{suffix})");
        Guard.Rank(kind, "weight_hh" + suffix, weightHh, 2);
        int rows = weightHh.Shape[0], hidden = weightHh.Shape[1];
        if (rows != gates * hidden)
            throw ShapeErrors.WrongShape(kind, "weight_hh" + suffix, weightHh.ShapeArray, $"{gates} gate block(s) of H = {hidden} rows",
                ShapeErrors.At(0, rows, gates * hidden), $"[{gates * hidden}, {hidden}] ([gates·H, H])");
        Guard.Rank(kind, "weight_ih" + suffix, weightIh, 2);
        if (weightIh.Shape[0] != rows)
            throw ShapeErrors.WrongShape(kind, "weight_ih" + suffix, weightIh.ShapeArray, $"weight_hh{suffix} {Shapes.Format(weightHh.Shape)}",
                ShapeErrors.At(0, "weight_ih", 0, "weight_hh", weightIh.Shape[0], rows), $"[{rows}, input size]");
        Guard.SameDType(kind, weightIh, weightHh);
        foreach (var (name, b) in new[] { ("bias_ih", biasIh), ("bias_hh", biasHh) })
        {
            if (b is null) continue;
            Guard.SameDType(kind, weightIh, b);
            if (b.Rank != 1 || b.Shape[0] != rows)
                throw ShapeErrors.WrongShape(kind, name + suffix, b.ShapeArray, $"weight_hh{suffix} {Shapes.Format(weightHh.Shape)}",
                    ShapeErrors.FirstDifference(b.ShapeArray, [rows]), $"[{rows}]");
        }
        return (weightIh.Shape[1], hidden);
    }

    /// <summary>The inputs of a cell's several-input forward: the input alone, or with its <paramref name="full"/> − 1 state tensors.</summary>
    /// <exception cref="ArgumentException">Another count, or a null.</exception>
    internal static Tensor[] StepInputs(Module cell, Tensor[] inputs, int full)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != 1 && inputs.Length != full)
            throw new ArgumentException($"{cell.GetType().Name}.Forward: takes 1 input (x) or {full} (x and the state: {(full == 3 ? "h, c" : "h")}), got {inputs.Length}", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentException($"{cell.GetType().Name}.Forward: input {i} is null", nameof(inputs));
        return inputs;
    }
}
