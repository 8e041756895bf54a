namespace AutoGrad.NN;

/// <summary>
/// Builds multilayer perceptrons as a <see cref="Sequential"/>:
/// Linear → activation → [Dropout] → … → Linear, with an optional Dropout on the inputs first.
/// The last layer has no activation: its outputs are logits for
/// <see cref="Losses.Loss.SoftmaxCrossEntropy(Tensor, ReadOnlySpan{int}, Losses.Reduction, string, int)"/>
/// (or a regression output); append <c>new Sigmoid()</c> or others with <see cref="Sequential.Add"/>.
/// </summary>
public static class Mlp
{
    /// <summary>
    /// An MLP with layer sizes [in, hidden₁, …, out] (at least two sizes; two give a single Linear).
    /// </summary>
    /// <param name="sizes">Input size, hidden sizes, output size.</param>
    /// <param name="activation">Activation after every hidden Linear.</param>
    /// <param name="generator">Draws the weights (all Linear layers first, in order), then seeds the dropout layers.</param>
    /// <param name="dropout">Drop probability after each hidden activation (0: no Dropout layers).</param>
    /// <param name="inputDropout">Drop probability on the inputs (note 004 drops input units too; 0: none).</param>
    /// <param name="dropoutMode">Inverted (default) or the notes' scale-at-test form.</param>
    /// <param name="init">Weight initialization (default: the notes' N(0, 1/fan_in)).</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <exception cref="ArgumentException">Fewer than two sizes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a dropout probability is outside [0, 1).</exception>
    public static Sequential Create(int[] sizes, Activation activation, Generator generator, double dropout = 0, double inputDropout = 0,
        DropoutMode dropoutMode = DropoutMode.Inverted, Initializer? init = null, DType dtype = DType.Float32)
    {
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Mlp.Create: unknown activation {activation}");
        return Create(sizes, () => Activations.Create(activation), generator, dropout, inputDropout, dropoutMode, init, dtype);
    }

    /// <summary>An MLP whose hidden activation modules come from a factory (one new module per hidden layer), e.g. a custom gated unit.</summary>
    /// <exception cref="ArgumentException">Fewer than two sizes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a dropout probability is outside [0, 1).</exception>
    public static Sequential Create(int[] sizes, Func<Module> activation, Generator generator, double dropout = 0, double inputDropout = 0,
        DropoutMode dropoutMode = DropoutMode.Inverted, Initializer? init = null, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(generator);
        if (sizes.Length < 2)
            throw new ArgumentException($"Mlp.Create: sizes must list at least the input and output sizes, got [{string.Join(", ", sizes)}]", nameof(sizes));
        for (int i = 0; i < sizes.Length; i++)
            if (sizes[i] <= 0)
                throw new ArgumentOutOfRangeException(nameof(sizes), sizes[i], $"Mlp.Create: size {sizes[i]} at position {i} of [{string.Join(", ", sizes)}] must be > 0");
        Guard.InRange("Mlp.Create", nameof(dropout), dropout, 0, 1, maxExclusive: true);
        Guard.InRange("Mlp.Create", nameof(inputDropout), inputDropout, 0, 1, maxExclusive: true);

        // All weights are drawn before any dropout generator is forked, so the same seed gives the
        // same initial weights with or without dropout (a fair comparison).
        var linears = new Linear[sizes.Length - 1];
        for (int i = 0; i < linears.Length; i++) linears[i] = new Linear(sizes[i], sizes[i + 1], generator, init, bias: true, dtype);

        var net = new Sequential();
        if (inputDropout > 0) net.Add(new Dropout(inputDropout, generator.Fork(), dropoutMode));
        for (int i = 0; i < linears.Length; i++)
        {
            net.Add(linears[i]);
            if (i == linears.Length - 1) break;
            var act = activation() ?? throw new ArgumentException("Mlp.Create: the activation factory returned null", nameof(activation));
            net.Add(act);
            if (dropout > 0) net.Add(new Dropout(dropout, generator.Fork(), dropoutMode));
        }
        return net;
    }
}
