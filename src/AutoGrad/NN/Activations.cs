namespace AutoGrad.NN;

// The activation modules: parameter-free wrappers of one elementwise op each, so a model can be
// written as a Sequential. Their derivatives are those of the ops.

/// <summary>Creates activation modules by name.</summary>
public static class Activations
{
    /// <summary>A new module for the activation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="Activation"/>.</exception>
    public static Module Create(Activation activation) => activation switch
    {
        Activation.ReLU => new ReLU(),
        Activation.Sigmoid => new Sigmoid(),
        Activation.Tanh => new Tanh(),
        Activation.Identity => new Identity(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Activations.Create: unknown activation {activation}"),
    };
}

/// <summary>σ(z) = 1/(1 + e^{−z}); dσ/dz = σ(1 − σ).</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();

    /// <inheritdoc/>
    public override string ToString() => "Sigmoid";
}

/// <summary>tanh z; d/dz = 1 − tanh² z.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();

    /// <inheritdoc/>
    public override string ToString() => "Tanh";
}

/// <summary>max(0, z); d/dz = 1 for z &gt; 0, else 0 (0 at z = 0, as note 003's table).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();

    /// <inheritdoc/>
    public override string ToString() => "ReLU";
}

/// <summary>y = z; dy/dz = 1. Returns its input unchanged.</summary>
public sealed class Identity : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input;

    /// <inheritdoc/>
    public override string ToString() => "Identity";
}
