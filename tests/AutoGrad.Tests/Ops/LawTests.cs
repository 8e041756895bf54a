using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>Algebraic laws the ops and their gradients must satisfy, as properties over random shapes.</summary>
public class LawTests
{
    private static Gen<int[]> ShapeGen(int maxRank = 3) =>
        from r in Gen.Choose(0, maxRank)
        from d in Gen.ArrayOf(Gen.Choose(1, 4), r)
        select d;

    [Fact]
    public void SumOfExpandedTensorIsSumTimesRepeats()
    {
        var gen = from s in ShapeGen()
                  from mask in Gen.Choose(0, 255)
                  from lead in Gen.Choose(0, 2)
                  select (s, mask, lead);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (shape, mask, lead) = t;
            var small = shape.Select((d, i) => ((mask >> i) & 1) == 1 ? 1 : d).ToArray();
            var big = Enumerable.Repeat(2, lead).Concat(shape).ToArray();
            var x = Tensor.Normal(new Generator((ulong)mask), 0, 1, DType.Float64, small).RequireGrad();
            var e = x.Expand(big);
            double repeats = (double)Shapes.Numel(big) / Shapes.Numel(small);
            Assert.Equal(x.Sum().Item() * repeats, e.Sum().Item(), 1e-9);
            e.Sum().Backward();
            Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(repeats, g, 1e-12));
        }));
    }

    [Fact]
    public void BroadcastGradientEqualsGradientOfExplicitExpand()
    {
        var gen = from s in ShapeGen()
                  from mask in Gen.Choose(0, 255)
                  select (s, mask);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (shape, mask) = t;
            var small = shape.Select((d, i) => ((mask >> i) & 1) == 1 ? 1 : d).ToArray();
            var rng = new Generator((ulong)mask + 1);
            var a = Tensor.Normal(rng, 0, 1, DType.Float64, shape);
            var b1 = Tensor.Normal(rng, 0, 1, DType.Float64, small).RequireGrad();
            var b2 = b1.Detach().Clone().RequireGrad();
            (a * b1).Sum().Backward();
            (a * b2.Expand(shape)).Sum().Backward();
            var g1 = b1.Grad!.ToDoubleArray();
            var g2 = b2.Grad!.ToDoubleArray();
            for (int i = 0; i < g1.Length; i++) Assert.Equal(g2[i], g1[i], 1e-12);
        }));
    }

    /// <summary>
    /// Backward is linear in the seed: for every op of the table, at random shapes and values,
    /// the gradients for a·u + b·v are a·(gradients for u) + b·(gradients for v), in float64.
    /// </summary>
    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void BackwardIsLinearInTheSeedForEveryOp(string op)
    {
        var gen = from c in GradProperty.Cases(OpTable.Get(op))
                  from a in Gen.Choose(-30, 30)
                  from b in Gen.Choose(-30, 30)
                  select (Case: c, A: a / 10.0, B: b / 10.0);
        var arb = Arb.From(gen, t => GradProperty.Shrink(t.Case).Select(c => t with { Case = c }));
        FsCheck.Check.One(PropertyConfig.For(4), Prop.ForAll(arb, t =>
        {
            var (c, a, b) = t;
            var xs = c.Inputs(DType.Float64);
            var y = c.Op.Make(c.Info)(xs);
            Assert.True(y.RequiresGrad, $"{c}: the output does not require grad, so there is no backward to check");
            var rng = new Generator((ulong)c.ParamSeed + 1);
            var shape = y.Shape.ToArray();
            var u = Tensor.Normal(rng, 0, 1, DType.Float64, shape);
            var v = Tensor.Normal(rng, 0, 1, DType.Float64, shape);
            double[]?[] Grads(Tensor seed)
            {
                foreach (var x in xs) x.Grad = null;
                AutoGrad.Autograd.Tape.Backward(y, seed, retainGraph: true);
                return xs.Select(x => x.Grad?.ToDoubleArray()).ToArray();
            }
            var gu = Grads(u);
            var gv = Grads(v);
            var g = Grads(u * a + v * b);
            for (int i = 0; i < xs.Length; i++)
            {
                if (!xs[i].RequiresGrad) continue;
                int n = xs[i].Numel;
                for (int e = 0; e < n; e++)
                {
                    double pu = a * (gu[i]?[e] ?? 0), pv = b * (gv[i]?[e] ?? 0), actual = g[i]?[e] ?? 0;
                    // Rounding only; a row that passes its gradient through float32 rounds it there.
                    double rel = c.Op.Name.Contains("float32") ? 1e-6 : 1e-10;
                    // The absolute floor: rows whose gradient cancels to ~0 inside the backward (a layer norm of a
                    // constant row scales its rounding by 1/√eps ≈ 316) round at a few 1e-13.
                    double tol = rel * (Math.Abs(pu) + Math.Abs(pv)) + 1e-12;
                    Assert.True(Math.Abs(actual - (pu + pv)) <= tol,
                        $"{c}; a = {a}, b = {b}: input {i} element {e}: grad(a·u + b·v) = {actual:R}, a·grad(u) + b·grad(v) = {pu + pv:R}");
                }
            }
        }));
    }

    [Fact]
    public void SoftmaxRowsSumToOneAndLogSoftmaxIsStable()
    {
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(ShapeGen().Where(s => s.Length > 0).ToArbitrary(), shape =>
        {
            var x = Tensor.Normal(new Generator((ulong)shape.Sum()), 0, 30, DType.Float64, shape) * 10;
            var s = x.Softmax(-1).Sum(-1).ToDoubleArray();
            Assert.All(s, v => Assert.Equal(1.0, v, 1e-12));
            Assert.All(x.LogSoftmax(-1).ToDoubleArray(), v => Assert.True(double.IsFinite(v) && v <= 1e-12));
        }));
    }

    [Fact]
    public void LogSumExpHandlesInfinities()
    {
        var x = Tensor.From(DType.Float64, [double.NegativeInfinity, double.NegativeInfinity, 1000, 1000], 2, 2);
        var r = x.LogSumExp(1).ToDoubleArray();
        Assert.Equal(double.NegativeInfinity, r[0]);
        Assert.Equal(1000 + Math.Log(2), r[1], 1e-9);
    }

    [Fact]
    public void MatmulMatchesNaiveProductAndTransposedForms()
    {
        var rng = new Generator(11);
        var a = Tensor.Normal(rng, 0, 1, DType.Float64, 5, 7);
        var b = Tensor.Normal(rng, 0, 1, DType.Float64, 7, 3);
        var c = Tensor.Matmul(a, b).ToDoubleArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 7; k++) s += a[i, k] * b[k, j];
                Assert.Equal(s, c[i * 3 + j], 1e-12);
            }
        foreach (var t in new[] { Tensor.MatmulT(a.T, b, true, false), Tensor.MatmulT(a, b.T, false, true), Tensor.MatmulT(a.T, b.T, true, true) })
        {
            var v = t.ToDoubleArray();
            for (int i = 0; i < c.Length; i++) Assert.Equal(c[i], v[i], 1e-12);
        }
    }
}
