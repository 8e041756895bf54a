namespace AutoGrad.NN;

/// <summary>
/// The perceptron's sign activation: sgn(z) = 1 for z &gt; 0 and −1 for z &lt; 0; at z = 0 it is
/// <see cref="ValueAtZero"/>, −1 by default as in note 000 ("sgn(z) = 1 if z &gt; 0, and −1
/// otherwise"), so an all-zero perceptron predicts −1. d sgn/dz = 0 everywhere (the jump at 0
/// has no derivative): a sign unit passes no gradient, which is why the perceptron is trained on
/// its score, not on its output.
/// </summary>
public sealed class Sign : Module
{
    /// <summary>Creates the activation with the given value at 0 (−1, 0 or 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">valueAtZero is not −1, 0 or 1.</exception>
    public Sign(double valueAtZero = -1)
    {
        if (valueAtZero is not (-1 or 0 or 1))
            throw new ArgumentOutOfRangeException(nameof(valueAtZero), valueAtZero, $"Sign: valueAtZero must be -1, 0 or 1, got {valueAtZero}");
        ValueAtZero = valueAtZero;
    }

    /// <summary>sgn(0): −1 (the notes' convention, default), 0 or 1.</summary>
    public double ValueAtZero { get; }

    /// <summary>Elementwise sgn with the chosen value at 0.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = input.Sign();
        // The constant branch keeps the output on the tape through sign (zero gradient) elsewhere.
        return ValueAtZero == 0 ? s : Tensor.Where(input.Eq(0), ValueAtZero, s);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Sign(at 0: {ValueAtZero})";
}
