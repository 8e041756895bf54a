using AutoGrad.Autograd;
using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// Forward mode on every row of the op table, over the same random shapes and values as the
/// gradient test: the JVP rules against float64 central differences (every Jacobian column), the
/// transposition identity ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ against the reverse rules, and the Hessian-vector
/// product forward over reverse against reverse over reverse.
/// </summary>
public class OpTableForwardTests
{
    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void JvpMatchesFiniteDifferences(string op)
    {
        var row = OpTable.Get(op);
        FsCheck.Check.One(PropertyConfig.For(15), Prop.ForAll(GradProperty.Arbitrary(row), c => GradProperty.Holds(c, new() { Forward = true })));
    }

    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void JvpIsTheTransposeOfTheVjp(string op)
    {
        var row = OpTable.Get(op);
        FsCheck.Check.One(PropertyConfig.For(15), Prop.ForAll(GradProperty.Arbitrary(row), TranspositionHolds));
    }

    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void ForwardOverReverseEqualsReverseOverReverse(string op)
    {
        var row = OpTable.Get(op);
        FsCheck.Check.One(PropertyConfig.For(8), Prop.ForAll(GradProperty.Arbitrary(row), HessianVectorHolds));
    }

    /// <summary>⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ for random u (output-shaped) and v (one per differentiated input).</summary>
    private static void TranspositionHolds(DrawnCase c)
    {
        var xs = c.Inputs(DType.Float64);
        var f = c.Op.Make(c.Info);
        var rng = new Generator((ulong)c.ParamSeed + 17);
        var vs = xs.Select(x => x.RequiresGrad ? Tensor.Normal(rng, 0, 1, DType.Float64, x.Shape.ToArray()) : Tensor.ZerosLike(x)).ToArray();
        var plain = xs.Select(x => x.Detach()).ToArray();
        var (y, jv) = Derivatives.Jvp(f, plain, vs);
        var u = Tensor.Normal(rng, 0, 1, DType.Float64, y.Shape.ToArray());
        var checkedInputs = xs.Where(x => x.RequiresGrad).ToArray();
        Tensor yr;
        using (Tape.EnableGrad()) yr = f(xs);
        var jtu = yr.RequiresGrad ? Tape.Gradients(yr, checkedInputs, u) : [.. checkedInputs.Select(Tensor.ZerosLike)];
        double left = Dot(u, jv), right = 0, scale = Norm(u) * Norm(jv);
        for (int i = 0, k = 0; i < xs.Length; i++)
            if (xs[i].RequiresGrad) { right += Dot(jtu[k], vs[i]); scale += Norm(jtu[k]) * Norm(vs[i]); k++; }
        double rtol = c.Op.Float32Inside ? 1e-6 : 1e-9;
        if (!(Math.Abs(left - right) <= rtol * (1 + scale)) && !(double.IsNaN(left) && double.IsNaN(right)))
            throw new Exception($"{c}\n  ⟨u, J·v⟩ = {left:G17} but ⟨Jᵀ·u, v⟩ = {right:G17}");
    }

    /// <summary>
    /// H·v of L(x) = Σ w·f(x) in the first differentiated input: forward over reverse equals reverse
    /// over reverse, and where one refuses (a backward that is not differentiable) so does the other.
    /// </summary>
    private static void HessianVectorHolds(DrawnCase c)
    {
        var xs = c.Inputs(DType.Float64);
        var f = c.Op.Make(c.Info);
        int at = Array.FindIndex(xs, x => x.RequiresGrad);
        var rng = new Generator((ulong)c.ParamSeed + 29);
        Tensor y;
        using (Tape.NoGrad()) y = f([.. xs.Select(x => x.Detach())]);
        var w = Tensor.Normal(rng, 0, 1, DType.Float64, y.Shape.ToArray());
        var v = Tensor.Normal(rng, 0, 1, DType.Float64, xs[at].Shape.ToArray());
        Tensor L(Tensor x)
        {
            var args = xs.Select(t => t.Detach()).ToArray();
            args[at] = x;
            return (f(args) * w).Sum();
        }
        Tensor? rev = null, fwd = null;
        string? revError = null, fwdError = null;
        try { rev = Derivatives.HessianVectorProductReverse(L, xs[at].Detach(), v); }
        catch (AutogradException e) { revError = e.Message; }
        try { fwd = Derivatives.HessianVectorProduct(L, xs[at].Detach(), v); }
        catch (AutogradException e) { fwdError = e.Message; }
        if ((revError is null) != (fwdError is null))
            throw new Exception($"{c}\n  reverse over reverse {(revError is null ? "ran" : "refused: " + revError)}; forward over reverse {(fwdError is null ? "ran" : "refused: " + fwdError)}");
        if (rev is null || fwd is null) return;
        var a = rev.ToDoubleArray();
        var b = fwd.ToDoubleArray();
        double scale = (1 + a.Max(Math.Abs)) * (c.Op.Float32Inside ? 1e-5 : 1e-8);
        for (int i = 0; i < a.Length; i++)
            if (!(Math.Abs(a[i] - b[i]) <= scale) && !(double.IsNaN(a[i]) && double.IsNaN(b[i])))
                throw new Exception($"{c}\n  H·v element {i}: reverse over reverse {a[i]:G17}, forward over reverse {b[i]:G17}");
    }

    private static double Dot(Tensor a, Tensor b) => a.ToDoubleArray().Zip(b.ToDoubleArray(), (x, y) => x * y).Sum();

    private static double Norm(Tensor a) => Math.Sqrt(a.ToDoubleArray().Sum(x => x * x));
}
