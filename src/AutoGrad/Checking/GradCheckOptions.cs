namespace AutoGrad.Checking;

/// <summary>
/// Settings of <see cref="GradCheck"/>. Unset tolerances take the per-dtype defaults of
/// <see cref="Defaults"/>, chosen by the dtype of the analytic (tape) side; the numeric side
/// always runs in float64.
/// </summary>
public sealed record GradCheckOptions
{
    /// <summary>Finite-difference step (applied in float64). Default 1e-6.</summary>
    public double? Eps { get; init; }

    /// <summary>Absolute tolerance. Default 1e-5 (float64 analytic) or 1e-4 (float32 analytic).</summary>
    public double? Atol { get; init; }

    /// <summary>Relative tolerance, times |numeric|. Default 1e-3 (float64) or 5e-3 (float32).</summary>
    public double? Rtol { get; init; }

    /// <summary>
    /// Fast mode: instead of every Jacobian entry, compare the scalar vᵀJu for random unit vectors
    /// u (inputs) and v (output): one backward pass and two forward evaluations.
    /// </summary>
    public bool Fast { get; init; }

    /// <summary>
    /// Also check the forward-mode rules (JVP): every Jacobian column computed with dual tensors
    /// (<see cref="Autograd.Derivatives.Jvp(Func{Tensor[], Tensor}, Tensor[], Tensor[])"/>, one
    /// forward pass per input element) against the same central differences; in fast mode the
    /// projection vᵀ(J·u). A custom op without a forward-mode rule then fails with a clear error.
    /// </summary>
    public bool Forward { get; init; }

    /// <summary>Seed for the random directions of fast mode.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Accept the analytic value at a kink (relu or abs at 0, max ties): where the one-sided
    /// differences disagree, any analytic value between them passes. Default true.
    /// </summary>
    public bool AllowKinks { get; init; } = true;

    /// <summary>The defaults for an analytic side of the given dtype: (eps, atol, rtol).</summary>
    public static (double Eps, double Atol, double Rtol) Defaults(DType dtype) =>
        dtype == DType.Float64 ? (1e-6, 1e-5, 1e-3) : (1e-6, 1e-4, 5e-3);
}
