namespace AutoGrad.NN;

/// <summary>
/// One time step of each recurrent unit, written from matmul, slices, sigmoid, tanh and elementwise
/// ops, so backprop through time is the tape's reverse sweep over the unrolled steps. Each takes the
/// input projection W_ih·x + b_ih already computed (a sequence module computes it for all steps in
/// one matrix product) and the recurrent weights in PyTorch's layout: W_hh [gates·H, H], gates
/// stacked in PyTorch's order.
/// </summary>
internal static class RecurrentSteps
{
    /// <summary>h·W_hhᵀ + b_hh: [B, gates·H].</summary>
    private static Tensor Recurrent(Tensor h, Tensor weightHh, Tensor? biasHh)
    {
        var p = Tensor.MatmulT(h, weightHh, false, true);
        return biasHh is null ? p : p + biasHh;
    }

    /// <summary>h' = φ(x̂ + h·W_hhᵀ + b_hh).</summary>
    public static Tensor Rnn(Tensor xProj, Tensor h, Tensor weightHh, Tensor? biasHh, RnnNonlinearity nonlinearity)
    {
        var z = xProj + Recurrent(h, weightHh, biasHh);
        return nonlinearity == RnnNonlinearity.Tanh ? z.Tanh() : z.Relu();
    }

    /// <summary>
    /// LSTM, gates i, f, g, o: i = σ(·), f = σ(·), g = tanh(·), o = σ(·) of x̂ + h·W_hhᵀ + b_hh's four
    /// blocks; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c').
    /// </summary>
    public static (Tensor H, Tensor C) Lstm(Tensor xProj, Tensor h, Tensor c, Tensor weightHh, Tensor? biasHh)
    {
        int hidden = h.Shape[1];
        var gates = xProj + Recurrent(h, weightHh, biasHh);
        var i = gates.Slice(1, 0, hidden).Sigmoid();
        var f = gates.Slice(1, hidden, hidden).Sigmoid();
        var g = gates.Slice(1, 2 * hidden, hidden).Tanh();
        var o = gates.Slice(1, 3 * hidden, hidden).Sigmoid();
        var cNext = f * c + i * g;
        return (o * cNext.Tanh(), cNext);
    }

    /// <summary>
    /// GRU, gates r, z, n: r = σ(x̂_r + ĥ_r), z = σ(x̂_z + ĥ_z), n = tanh(x̂_n + r ⊙ ĥ_n) with
    /// ĥ = h·W_hhᵀ + b_hh (the reset gate multiplies W_hn·h + b_hn, as in PyTorch);
    /// h' = (1 − z) ⊙ n + z ⊙ h, computed as n + z ⊙ (h − n).
    /// </summary>
    public static Tensor Gru(Tensor xProj, Tensor h, Tensor weightHh, Tensor? biasHh)
    {
        int hidden = h.Shape[1];
        var hProj = Recurrent(h, weightHh, biasHh);
        var r = (xProj.Slice(1, 0, hidden) + hProj.Slice(1, 0, hidden)).Sigmoid();
        var z = (xProj.Slice(1, hidden, hidden) + hProj.Slice(1, hidden, hidden)).Sigmoid();
        var n = (xProj.Slice(1, 2 * hidden, hidden) + r * hProj.Slice(1, 2 * hidden, hidden)).Tanh();
        return n + z * (h - n);
    }
}
