using AutoGrad.Checking;

namespace AutoGrad.Tests.Debugging;

/// <summary>
/// The NaN-safe rule: a zero incoming gradient gives a zero outgoing gradient, whatever the local
/// derivative (every elementwise backward multiplies with SafeMul, so 0·∞ = 0·NaN = 0), and
/// Where sends an exact zero to the branch it did not take.
/// </summary>
public class NaNSafeWhereTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SafeLogHasFiniteGradientsAtZeroAndBelow(DType dtype)
    {
        var x = Tensor.From(dtype, [0, -1, 2, 0.5, -0.25], 5).RequireGrad();
        var y = Tensor.Where(x.Gt(0), x.Log(), 0.0);
        // The untaken branch holds -inf and NaN in the forward pass...
        var log = x.Detach().Log().ToDoubleArray();
        Assert.True(double.IsNegativeInfinity(log[0]) && double.IsNaN(log[1]));
        Assert.Equal([0, 0, Math.Log(2), Math.Log(0.5), 0], y.ToDoubleArray(), new Tolerance(1e-6));
        y.Sum().Backward();
        // ...but the gradient is 1/x where x > 0 and exactly 0 elsewhere.
        Assert.Equal([0, 0, 0.5, 2, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SafeLogIsGradchecked()
    {
        // At x = 0 the one-sided differences are 0 and -∞-ish: GradCheck's kink rule accepts the analytic 0 between them.
        var x = Tensor.From(DType.Float64, [0, -1, 2, 0.5, -0.25, 1e-3], 6).RequireGrad();
        GradCheck.Assert(t => Tensor.Where(t.Gt(0), t.Log(), 0.0), x);
        GradCheck.Assert(t => Tensor.Where(t.Gt(0), t.Log(), 0.0).Sum(), x);
    }

    [Fact]
    public void NaNInTheUntakenBranchGivesFiniteGradients()
    {
        var x = Tensor.From(DType.Float64, [-4, 9, 0, 1], 4).RequireGrad();
        // sqrt of a negative number is NaN; its derivative 1/(2√x) is NaN or ∞.
        var y = Tensor.Where(x.Gt(0), x.Sqrt(), x.Square());
        Assert.False(x.Detach().Sqrt().ToDoubleArray().All(double.IsFinite));
        y.Sum().Backward();
        Assert.Equal([-8, 1.0 / 6, 0, 0.5], x.Grad!.ToDoubleArray(), new Tolerance(1e-12));
        GradCheck.Assert(t => Tensor.Where(t.Gt(0), t.Sqrt(), t.Square()), Tensor.From(DType.Float64, [-4, 9, 0.3, 1], 4).RequireGrad());
    }

    [Theory]
    [InlineData("log")]
    [InlineData("sqrt")]
    [InlineData("pow -1")]
    [InlineData("div")]
    [InlineData("pow 0.5")]
    public void AZeroIncomingGradientStaysZeroWhateverTheLocalDerivative(string op)
    {
        // Each op is evaluated at 0, where its local derivative is infinite, and its output is
        // then multiplied by zero, so the gradient arriving at it is exactly zero.
        var x = Tensor.From(DType.Float64, [0], 1).RequireGrad();
        Tensor y = op switch
        {
            "log" => x.Log(),
            "sqrt" => x.Sqrt(),
            "pow -1" => x.Pow(-1),
            "div" => Tensor.Div(Tensor.Ones(DType.Float64, 1), x),
            _ => x.Pow(0.5),
        };
        Tensor.Where(Tensor.Zeros(DType.Float64, 1), y, 0.0).Sum().Backward();
        Assert.Equal(0.0, x.Grad!.Item());
    }

    [Fact]
    public void TheRuleAlsoZeroesAProductWithZero()
    {
        // The consequence: d/dx [0 · √x] at x = 0 is reported as 0, where the textbook product
        // rule would give 0·∞ = NaN. The tape takes the zero gradient as exact.
        var x = Tensor.From(DType.Float64, [0], 1).RequireGrad();
        Tensor.Mul(x.Sqrt(), Tensor.Zeros(DType.Float64, 1)).Sum().Backward();
        Assert.Equal(0.0, x.Grad!.Item());
    }

    private sealed class Tolerance(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(double v) => 0;
    }
}
