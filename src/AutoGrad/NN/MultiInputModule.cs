namespace AutoGrad.NN;

/// <summary>
/// A module whose forward takes several inputs and may give several outputs: write
/// <see cref="Forward(Tensor[])"/> only. Parameters, buffers and sub-modules are registered as in any
/// module (so <c>Parameters()</c> keeps its order), and <see cref="Module.Call(Tensor[], string, int)"/>
/// records the caller's source line. A one-input call goes to <see cref="Forward(Tensor[])"/> with
/// one input, whose first output it returns.
/// </summary>
/// <example>
/// <code>
/// sealed class Gate : MultiInputModule   // y = σ(x·Wg)·x + (1 − σ(x·Wg))·context
/// {
///     private readonly Linear _g;
///     public Gate(int d, Generator gen) => _g = RegisterModule("gate", new Linear(d, d, gen));
///     public override Tensor[] Forward(Tensor[] xs)
///     {
///         var g = _g.Forward(xs[0]).Sigmoid();
///         return [g * xs[0] + (1.0 - g) * xs[1]];
///     }
/// }
/// </code>
/// </example>
public abstract class MultiInputModule : Module
{
    /// <inheritdoc/>
    public abstract override Tensor[] Forward(Tensor[] inputs);

    /// <summary>The first output of <see cref="Forward(Tensor[])"/> on the single input.</summary>
    public sealed override Tensor Forward(Tensor input) => Forward([input])[0];

    /// <summary>Throws unless the number of inputs is one of <paramref name="allowed"/>, or an input is null.</summary>
    /// <exception cref="ArgumentException">Another count.</exception>
    protected void ExpectInputs(Tensor[] inputs, params int[] allowed)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!allowed.Contains(inputs.Length))
            throw new ArgumentException($"{GetType().Name}.Forward: takes {string.Join(" or ", allowed)} inputs, got {inputs.Length}", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentException($"{GetType().Name}.Forward: input {i} is null", nameof(inputs));
    }
}
