namespace AutoGrad.NN;

/// <summary>The hidden-layer activations <see cref="Mlp"/> and <see cref="Activations.Create"/> know by name.</summary>
public enum Activation
{
    /// <summary>max(0, z) (<see cref="ReLU"/>).</summary>
    ReLU,

    /// <summary>1/(1 + e^{−z}) (<see cref="Sigmoid"/>).</summary>
    Sigmoid,

    /// <summary>tanh z (<see cref="Tanh"/>).</summary>
    Tanh,

    /// <summary>z (<see cref="Identity"/>): a deep linear network, which collapses to one linear map.</summary>
    Identity,
}
