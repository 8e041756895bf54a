using AutoGrad.Autograd;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Functional;

public class DerivativesTests
{
    private static Tensor V(params double[] v) => Tensor.From(DType.Float64, v);

    [Fact]
    public void GradReturnsGradientsAndLeavesUserGradUntouched()
    {
        var x = V(1, -2, 3).RequireGrad();
        var (value, grads) = Derivatives.ValueAndGrad(xs => (xs[0] * xs[0]).Sum(), [x]);
        Assert.Equal(14.0, value.Item());
        Assert.Equal([2.0, -4, 6], grads[0].ToDoubleArray());
        Assert.Null(x.Grad);
        Assert.Equal([2.0, -4, 6], Derivatives.Grad(t => (t * t).Sum(), V(1, -2, 3)).ToDoubleArray());
    }

    [Fact]
    public void GradientsWithRespectToAnIntermediateTensor()
    {
        var a = V(1, 2).RequireGrad();
        var y = a * 3;
        var z = (y * y).Sum() + a.Sum();
        var g = Tape.Gradients(z, [y, a], retainGraph: true);
        Assert.Equal([6.0, 12], g[0].ToDoubleArray());
        Assert.Equal([19.0, 37], g[1].ToDoubleArray());
        Assert.Null(a.Grad);
        var unrelated = V(5).RequireGrad();
        Assert.Equal([0.0], Tape.Gradients(z, [unrelated])[0].ToDoubleArray());
    }

    [Fact]
    public void VjpContractsTheJacobianWithV()
    {
        var w = Tensor.From(DType.Float64, [1, 2, 3, 4, 5, 6], 2, 3);
        var (y, p) = Derivatives.Vjp(xs => Tensor.Matmul(xs[0], w), [V(1, 1)], V(1, -1, 2));
        Assert.Equal([5.0, 7, 9], y.ToDoubleArray());
        Assert.Equal([1 - 2 + 6.0, 4 - 5 + 12], p[0].ToDoubleArray());
        Assert.Throws<ShapeException>(() => Derivatives.Vjp(xs => Tensor.Matmul(xs[0], w), [V(1, 1)], V(1, 2)));
    }

    [Fact]
    public void JacobianOfElementwiseAndLinearMaps()
    {
        var x = V(0.5, -1);
        var j = Derivatives.Jacobian(t => t.Tanh(), x);
        Assert.Equal([2, 2], j.Shape.ToArray());
        double d0 = 1 - Math.Pow(Math.Tanh(0.5), 2), d1 = 1 - Math.Pow(Math.Tanh(-1), 2);
        var jv = j.ToDoubleArray();
        Assert.Equal(d0, jv[0], 1e-12);
        Assert.Equal(0, jv[1]);
        Assert.Equal(0, jv[2]);
        Assert.Equal(d1, jv[3], 1e-12);
        var w = Tensor.From(DType.Float64, [1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(w.T.ToDoubleArray(), Derivatives.Jacobian(t => Tensor.Matmul(t, w), x).ToDoubleArray());
    }

    [Fact]
    public void HessianOfAQuadraticIsTheSymmetrizedMatrix()
    {
        var a = Tensor.From(DType.Float64, [2, 1, 0, 3, 4, 1, 0, 2, 5], 3, 3);
        var h = Derivatives.Hessian(x => (Tensor.Matmul(x, Tensor.Matmul(a, x)) * 0.5), V(0.3, -0.2, 1.1));
        var expected = ((a + a.T) * 0.5).ToDoubleArray();
        var hv = h.ToDoubleArray();
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], hv[i], 1e-12);
    }

    [Fact]
    public void HessianOfRosenbrockMatchesClosedForm()
    {
        // f = (1 − x)² + 100(y − x²)²
        static Tensor F(Tensor p)
        {
            var x = p.Select(0, 0);
            var y = p.Select(0, 1);
            return (1.0 - x).Square() + 100 * (y - x.Square()).Square();
        }
        double px = 0.7, py = 0.2;
        var h = Derivatives.Hessian(F, V(px, py)).ToDoubleArray();
        Assert.Equal(2 - 400 * (py - px * px) + 800 * px * px, h[0], 1e-9);
        Assert.Equal(-400 * px, h[1], 1e-9);
        Assert.Equal(-400 * px, h[2], 1e-9);
        Assert.Equal(200, h[3], 1e-9);
        var v = V(1, -2);
        var hvp = Derivatives.HessianVectorProduct(F, V(px, py), v).ToDoubleArray();
        Assert.Equal(h[0] * 1 + h[1] * -2, hvp[0], 1e-9);
        Assert.Equal(h[2] * 1 + h[3] * -2, hvp[1], 1e-9);
    }

    [Fact]
    public void SecondDerivativesAreGradchecked()
    {
        var x = Tensor.From(DType.Float64, [0.3, -0.8, 1.2, 0.1, -0.5, 0.9], 2, 3).RequireGrad();
        var w = Tensor.From(DType.Float64, [0.5, -1, 0.25, 2, 1, -0.5], 3, 2);
        static Tensor Loss(Tensor t, Tensor w) => (Tensor.Matmul(t.Tanh(), w).LogSoftmax(1) * t.Sigmoid().Sum(1, keepDim: true)).Sum() + t.Softplus().Mean();
        GradCheck.Assert(t => Derivatives.Grad(u => Loss(u, w), t, createGraph: true), x);
    }

    private sealed class OnceDifferentiable : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return x[0] * x[0];
        }
        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * ctx.SavedTensors[0] * 2];
    }

    [Fact]
    public void SecondDerivativeThroughNonDifferentiableBackwardThrows() =>
        Assert.Throws<AutogradException>(() => Derivatives.Hessian(x => new OnceDifferentiable().Apply(x).Sum(), V(1, 2)));
}
