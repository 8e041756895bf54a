using AutoGrad.Autograd;

namespace AutoGrad.Tests.Autograd;

/// <summary>Dual tensors, levels and nesting: the classic tests of forward-mode AD.</summary>
public class ForwardModeTests
{
    private static Tensor V(params double[] v) => Tensor.From(DType.Float64, v);

    [Fact]
    public void JvpOfAChainEqualsTheChainRule()
    {
        var x = V(0.3, -1.2, 2.0);
        var v = V(1, 0.5, -2);
        var (y, jv) = Derivatives.Jvp(t => t.Tanh() * t.Exp(), x, v);
        var xs = x.ToDoubleArray();
        var vs = v.ToDoubleArray();
        for (int i = 0; i < 3; i++)
        {
            double t = Math.Tanh(xs[i]), e = Math.Exp(xs[i]);
            Assert.Equal(t * e, y.ToDoubleArray()[i], 1e-14);
            Assert.Equal(((1 - t * t) * e + t * e) * vs[i], jv.ToDoubleArray()[i], 1e-13);
        }
    }

    [Fact]
    public void NoTapeIsRecordedAndTheInputsAreUntouched()
    {
        var x = V(1, 2);
        using var level = ForwardMode.Level();
        var d = level.Dual(x, V(1, 1));
        var y = (d * d).Sum();
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        Assert.Equal(6.0, level.Tangent(y).Item());
        Assert.Null(level.TangentOrNull(x));
        Assert.Equal([1.0, 2], level.Primal(d).ToDoubleArray());
        Assert.Null(level.TangentOrNull(level.Primal(d)));
    }

    [Fact]
    public void AFunctionIndependentOfTheInputHasAZeroTangent()
    {
        var c = V(3, 4);
        var (y, jv) = Derivatives.Jvp(_ => c * 2.0, V(1, 2), V(1, 1));
        Assert.Equal([6.0, 8], y.ToDoubleArray());
        Assert.Equal([0.0, 0], jv.ToDoubleArray());
    }

    [Fact]
    public void PerturbationsOfNestedLevelsNeverMix()
    {
        // d/dx [x · d/dy (x + y)] at any x is 1 (d/dy (x + y) = 1), not 2 (the answer when the two
        // perturbations are confused).
        foreach (double x0 in new[] { 0.0, 1.5, -3 })
        {
            var (_, outer) = Derivatives.Jvp(x =>
            {
                var (_, inner) = Derivatives.Jvp(y => x + y, V(2.0), V(1.0));
                return x * inner;
            }, V(x0), V(1.0));
            Assert.Equal(1.0, outer.Item());
        }
    }

    [Fact]
    public void NestedForwardGivesTheSecondDerivative()
    {
        // d²/dx² sin(x)·x = 2 cos x − x sin x
        double x0 = 0.7;
        var (_, second) = Derivatives.Jvp(x => Derivatives.Jvp(z => z.Sin() * z, x, Tensor.OnesLike(x)).Tangent, V(x0), V(1.0));
        Assert.Equal(2 * Math.Cos(x0) - x0 * Math.Sin(x0), second.Item(), 1e-13);
    }

    [Fact]
    public void WorksInFloat32()
    {
        var x = Tensor.From(DType.Float32, [0.5f, -0.25f]);
        var (y, jv) = Derivatives.Jvp(t => t.Sigmoid(), x, Tensor.OnesLike(x));
        Assert.Equal(DType.Float32, jv.DType);
        for (int i = 0; i < 2; i++)
        {
            double s = 1 / (1 + Math.Exp(-x.ToDoubleArray()[i]));
            Assert.Equal(s * (1 - s), jv.ToDoubleArray()[i], 1e-6);
        }
    }

    [Fact]
    public void ForwardOverReverseEqualsReverseOverReverse()
    {
        var w = Tensor.From(DType.Float64, [0.5, -1, 2, 0.25, 1.5, -0.75], 3, 2);
        Tensor F(Tensor x) => (Tensor.Matmul(x, w).Tanh().Square().Sum() + x.Exp().Sum() * x.Sum()) * 0.5;
        var x = V(0.1, -0.4, 0.8);
        var v = V(1, -2, 0.5);
        var fwd = Derivatives.HessianVectorProduct(F, x, v).ToDoubleArray();
        var rev = Derivatives.HessianVectorProductReverse(F, x, v).ToDoubleArray();
        for (int i = 0; i < 3; i++) Assert.Equal(rev[i], fwd[i], 1e-12);
        var h = Derivatives.Hessian(F, x).ToDoubleArray();
        var hr = Derivatives.HessianReverse(F, x).ToDoubleArray();
        Assert.Equal(9, h.Length);
        for (int i = 0; i < 9; i++) Assert.Equal(hr[i], h[i], 1e-12);
    }

    [Fact]
    public void ReverseOverForwardDifferentiatesTheTangent()
    {
        // g(x) = ∇f(x)·v computed by forward mode; its gradient is H·v.
        Tensor F(Tensor x) => (x.Sin() * x.Square()).Sum();
        var x = V(0.3, 1.1).RequireGrad();
        var v = V(0.5, -1);
        var (_, jv) = Derivatives.Jvp(F, x, v);
        Assert.True(jv.RequiresGrad);
        var hv = Tape.Gradients(jv, [x])[0].ToDoubleArray();
        var expected = Derivatives.HessianVectorProductReverse(F, x.Detach(), v).ToDoubleArray();
        for (int i = 0; i < 2; i++) Assert.Equal(expected[i], hv[i], 1e-12);
    }

    [Fact]
    public void JacobianForwardEqualsTheReverseJacobian()
    {
        var w = Tensor.From(DType.Float64, [1, 2, 3, 4, 5, 6], 2, 3);
        Tensor F(Tensor x) => Tensor.Matmul(x, w).Softmax(-1);
        var x = Tensor.From(DType.Float64, [0.1, -0.3, 0.7, 0.2], 2, 2);
        var jf = Derivatives.JacobianForward(F, x);
        var jr = Derivatives.Jacobian(F, x);
        Assert.Equal(jr.Shape.ToArray(), jf.Shape.ToArray());
        var a = jf.ToDoubleArray();
        var b = jr.ToDoubleArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-13);
    }

    [Fact]
    public void AClosedLevelRefusesUseAndItsTangentsReadAsZero()
    {
        var level = ForwardMode.Level();
        var d = level.Dual(V(1.0), V(1.0));
        var y = d * 3.0;
        level.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => level.Tangent(y));
        Assert.Contains("disposed", e.Message);
        using var other = ForwardMode.Level();
        Assert.Null(other.TangentOrNull(y * 2.0));
    }

    [Fact]
    public void ADualTangentOfTheWrongShapeIsRefused()
    {
        using var level = ForwardMode.Level();
        var e = Assert.Throws<ShapeException>(() => level.Dual(V(1, 2), V(1, 2, 3)));
        Assert.Contains("ForwardMode.Dual", e.Message);
        Assert.Throws<ArgumentException>(() => level.Dual(V(1, 2), Tensor.From(DType.Float32, [1f, 2f])));
        var m = Assert.Throws<ArgumentException>(() => Derivatives.Jvp(xs => xs[0], [V(1)], []));
        Assert.Contains("1 inputs but 0 tangents", m.Message);
    }

    [Fact]
    public void InPlaceChangeOfADualTensorIsRefused()
    {
        using var level = ForwardMode.Level();
        var d = level.Dual(V(1, 2), V(1, 1));
        var e = Assert.Throws<InvalidOperationException>(() => d.Fill(0));
        Assert.Contains("dual tensor", e.Message);
    }

    private sealed class Cube : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x) => x[0] * x[0] * x[0];
        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * 3.0 * ctx.SavedTensors[0].Square()];
    }

    private sealed class CubeWithJvp : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
        {
            ctx.SaveForBackward(x[0]);
            return x[0] * x[0] * x[0];
        }

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * 3.0 * ctx.SavedTensors[0].Square()];
        protected override Tensor Jvp(CustomOpContext ctx, Tensor[] inputs, Tensor[] tangents, Tensor output) => tangents[0] * 3.0 * inputs[0].Square();
    }

    [Fact]
    public void ACustomOpWithoutAJvpRuleGivesAClearError()
    {
        var e = Assert.Throws<AutogradException>(() => Derivatives.Jvp(x => new Cube().Apply(x), V(2.0), V(1.0)));
        Assert.Contains("custom op 'Cube' has no forward-mode rule", e.Message);
        Assert.Contains("override CustomOp.Jvp", e.Message);
        // Outside forward mode it works as before.
        Assert.Equal(8.0, new Cube().Apply(V(2.0)).Item());
    }

    [Fact]
    public void ACustomOpWithAJvpRuleCarriesTheTangent()
    {
        var (y, jv) = Derivatives.Jvp(x => new CubeWithJvp().Apply(x).Sin(), V(0.5), V(2.0));
        Assert.Equal(Math.Sin(0.125), y.Item(), 1e-15);
        Assert.Equal(Math.Cos(0.125) * 3 * 0.25 * 2, jv.Item(), 1e-14);
    }
}
