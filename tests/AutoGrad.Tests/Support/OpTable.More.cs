using static AutoGrad.Tests.Support.Domain;
using static AutoGrad.Tests.Support.ShapeRules;

namespace AutoGrad.Tests.Support;

/// <summary>Rows of the ops added for PyTorch users (issue 16): elementwise functions, activations, reductions, shape ops, sort, einsum.</summary>
public static partial class OpTable
{
    private static readonly OpCase[] MoreRows =
    [
        Unary("sin", x => x.Sin()),
        Unary("cos", x => x.Cos()),
        Unary("log1p", x => x.Log1p(), Positive),
        Unary("expm1", x => x.Expm1()),
        Unary("erf", x => x.Erf()),
        Unary("gelu", x => x.Gelu()),
        Unary("gelu tanh", x => x.Gelu(tanhApproximation: true)),
        Unary("leaky_relu", x => x.LeakyRelu(0.1)),
        Unary("elu", x => x.Elu(1.5)),
        Unary("silu", x => x.Silu()),
        // Reductions
        new("var unbiased", (1, 3), Same(1), c =>
        {
            var ax = c.RandomAxes();
            bool k = c.Random.NextInt(2) == 0;
            int n = (ax ?? Enumerable.Range(0, c.Rank).ToArray()).Aggregate(1, (p, a) => p * c.Shape[a < 0 ? a + c.Rank : a]);
            return xs => xs[0].Var(ax, k, correction: n > 1 ? 1 : 0);
        }, [Any]),
        new("std", (0, 3), Same(1), c => { int corr = c.Random.NextInt(2); return xs => xs[0].Reshape([-1]).Pad(0, 0, 1).Std(correction: corr); }, [Any]),
        new("norm 1", (0, 3), Same(1), c => { var ax = c.RandomAxes(); return xs => xs[0].Norm(1, ax); }, [NonZero]),
        new("norm 2", (0, 3), Same(1), c => { var ax = c.RandomAxes(); bool k = c.Random.NextInt(2) == 0; return xs => xs[0].Norm(2, ax, k); }, [NonZero]),
        new("norm 3", (0, 3), Same(1), c => { var ax = c.RandomAxes(); return xs => xs[0].Norm(3, ax); }, [NonZero]),
        new("norm inf", (0, 3), Same(1), c => { var ax = c.RandomAxes(); return xs => xs[0].Norm(double.PositiveInfinity, ax); }, [NonZero]),
        new("prod", (1, 3), Same(1), c => { int ax = c.RandomAxis(); bool k = c.Random.NextInt(2) == 0; return xs => xs[0].Prod(ax, k); }, [Any]),
        new("prod all", (0, 3), Same(1), _ => xs => xs[0].Prod(), [NonZero]),

        // Shape ops
        new("split", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis(), size = 1 + c.Random.NextInt(c.Shape[ax]);
            return xs => Tensor.Concat(xs[0].Split(size, ax).Select((t, i) => t * (i + 1.0)).ToArray(), ax);
        }, [Any]),
        new("chunk", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis(), n = 1 + c.Random.NextInt(4);
            return xs => Tensor.Concat(xs[0].Chunk(n, ax).Select((t, i) => t.Exp() * (i + 1.0)).ToArray(), ax);
        }, [Any]),
        new("repeat", (0, 3), Same(1), c =>
        {
            var r = new int[c.Rank + c.Random.NextInt(2)];
            for (int i = 0; i < r.Length; i++) r[i] = 1 + c.Random.NextInt(3);
            return xs => xs[0].Repeat(r) * Tensor.Arange(Shapes.Numel(r) * xs[0].Numel, xs[0].DType).Reshape(xs[0].Repeat(r).Shape.ToArray());
        }, [Any]),
        new("masked_fill", (0, 3), Same(1), c =>
        {
            var ms = c.Shape.Select(d => c.Random.NextInt(2) == 0 ? 1 : d).ToArray();
            var bits = new float[Shapes.Numel(ms)];
            for (int i = 0; i < bits.Length; i++) bits[i] = c.Random.NextInt(2);
            var mask = Tensor.FromArray(bits, bits.Length).Reshape(ms);
            return xs => xs[0].MaskedFill(mask, -7.5) * xs[0];
        }, [Any]),
        new("second derivative: prod, norm, var", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis();
            return xs => GradOf(x => x.Prod(ax).Sum() + x.Norm(2, [ax]).Sum() + x.Pad(ax, 1, 0).Var([ax], correction: 1).Sum() + x.Norm(3).Square(), xs[0]);
        }, [NonZero]),
        // Scans, flips, sorting
        new("cumsum", (1, 3), Same(1), c => { int ax = c.RandomAxis(); return xs => xs[0].Cumsum(ax) * xs[0]; }, [Any]),
        new("flip", (0, 3), Same(1), c =>
        {
            var ax = Enumerable.Range(0, c.Rank).Where(_ => c.Random.NextInt(2) == 0).ToArray();
            return xs => xs[0].Flip(ax) * xs[0];
        }, [Any]),
        new("sort", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis();
            bool descending = c.Random.NextInt(2) == 0;
            var offsets = Distinct(c.Shape);
            return xs => (xs[0] + offsets).Sort(ax, descending).Values;
        }, [Any]),
        new("topk", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis(), k = c.Random.NextInt(c.Shape[ax] + 1);
            bool largest = c.Random.NextInt(2) == 0;
            var offsets = Distinct(c.Shape);
            return xs => (xs[0] + offsets).TopK(k, ax, largest).Values.Exp();
        }, [Any]),
        new("second derivative: sort, cumsum, flip", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis();
            var offsets = Distinct(c.Shape);
            return xs => GradOf(x =>
            {
                var w = Tensor.Arange(x.Numel, x.DType).Reshape(x.Shape.ToArray()) * 0.1;
                return ((x + offsets).Sort(ax).Values.Square() * w + x.Cumsum(ax).Square() * w + x.Flip(ax).Exp() * w).Sum();
            }, xs[0]);
        }, [Any]),
        // einsum: each equation over shapes its letters fix
        Einsum("ij,jk->ik", 3, d => [[d[0], d[1]], [d[1], d[2]]]),
        Einsum("bij,bjk->bik", 4, d => [[d[0], d[1], d[2]], [d[0], d[2], d[3]]]),
        Einsum("i,j->ij", 2, d => [[d[0]], [d[1]]]),
        Einsum("ii->", 1, d => [[d[0], d[0]]]),
        Einsum("ii->i", 1, d => [[d[0], d[0]]]),
        Einsum("ij->ji", 2, d => [[d[0], d[1]]]),
        Einsum("ij->", 2, d => [[d[0], d[1]]]),
        Einsum("i,i->i", 1, d => [[d[0]], [d[0]]]),
        Einsum("i,i->", 1, d => [[d[0]], [d[0]]]),
        Einsum("bij,jk->kb", 4, d => [[d[0], d[1], d[2]], [d[2], d[3]]]),
        Einsum("ij,jk", 3, d => [[d[0], d[1]], [d[1], d[2]]]),
        new("second derivative: einsum", (3, 3), (d, _) => [[d[0], d[1]], [d[1], d[2]]], _ => xs =>
            GradOf(x => Tensor.Einsum("ij,jk->ik", x, xs[1].Detach()).Square().Sum() + Tensor.Einsum("ij,ij->", x, x), xs[0]), [Any], Checked: [true, false]),
        new("second derivative: sin, cos, log1p, expm1, erf", (0, 3), Same(1), _ => xs => GradOf(x => (x.Sin() * x.Cos() + x.Log1p() + x.Expm1() * 0.5 + x.Erf() * x).Sum(), xs[0]), [Positive]),
        new("second derivative: gelu, silu, elu, maximum", (0, 3), Same(1), _ => xs => GradOf(x => (x.Gelu() + x.Gelu(true) * x + x.Silu() + x.Elu().Square() + Tensor.Maximum(x.Sin(), x.Cos()) * x).Sum(), xs[0]), [NonZero]),
    ];

    /// <summary>
    /// 10⁻⁴·√(p + 1) at flat position p: added to drawn values (multiples of 0.002, which repeat) it
    /// makes every element distinct, by more than the gradcheck step, so sort rows see no ties.
    /// </summary>
    private static OpCase Einsum(string equation, int letters, Func<int[], int[][]> shapes) =>
        new($"einsum {equation}", (letters, letters), (d, _) => shapes(d), _ => xs => Tensor.Einsum(equation, xs), [Any]);

    private static Tensor Distinct(int[] shape)
    {
        var o = new double[Shapes.Numel(shape)];
        for (int p = 0; p < o.Length; p++) o[p] = 1e-4 * Math.Sqrt(p + 1);
        return Tensor.FromArray(o, o.Length).Reshape(shape);
    }
}
