using System.Runtime.CompilerServices;

namespace AutoGrad.Tests.Support;

/// <summary>
/// Sigmoid regression on four points, float64 with fixed values: small enough to print in full
/// and to check by hand. Every op is a named method, so every node knows its line.
/// </summary>
internal sealed class TinyModel
{
    public readonly Tensor X = Tensor.From(DType.Float64, [1, 2, 0, -1, 0.5, 1, 2, 0, -1, 1, 1, 1], 4, 3);
    public readonly Tensor W = Tensor.From(DType.Float64, [0.1, -0.2, 0.3], 3, 1).RequireGrad();
    public readonly Tensor B = Tensor.From(DType.Float64, [0.5], 1).RequireGrad();
    public readonly Tensor Y = Tensor.From(DType.Float64, [1, 0, 1, 0], 4, 1);
    public readonly int MatmulLine, SigmoidLine, LossLine;

    public TinyModel()
    {
        X.Name = "x";
        W.Name = "w";
        B.Name = "b";
        Y.Name = "y";
        var z = Tensor.Add(Tensor.Matmul(X, W), B); MatmulLine = Line();
        var o = z.Sigmoid(); SigmoidLine = Line();
        Loss = Tensor.Sub(o, Y).Square().Mean(); LossLine = Line();
    }

    /// <summary>mean((σ(xw + b) − y)²).</summary>
    public Tensor Loss { get; }

    private static int Line([CallerLineNumber] int line = 0) => line;
}
