namespace AutoGrad.NN;

/// <summary>The nonlinearity of a plain (Elman) recurrent unit: h' = φ(W_ih·x + b_ih + W_hh·h + b_hh).</summary>
public enum RnnNonlinearity
{
    /// <summary>φ = tanh (PyTorch's default).</summary>
    Tanh,

    /// <summary>φ = max(0, ·).</summary>
    ReLU,
}
