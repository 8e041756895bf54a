using static AutoGrad.Tests.Support.Domain;
using static AutoGrad.Tests.Support.ShapeRules;

namespace AutoGrad.Tests.Support;

/// <summary>
/// The one table of ops whose gradients the property test checks against float64 finite
/// differences. Adding an op (or a loss, or a layer) is adding a row.
/// </summary>
public static partial class OpTable
{
    private static OpCase Unary(string name, Func<Tensor, Tensor> f, Domain domain = Any, int minRank = 0) =>
        new(name, (minRank, 3), Same(1), _ => xs => f(xs[0]), [domain]);

    private static OpCase Binary(string name, Func<Tensor, Tensor, Tensor> f, Domain a = Any, Domain b = Any) =>
        new(name, (0, 3), Broadcast(2), _ => xs => f(xs[0], xs[1]), [a, b]);

    private static readonly OpCase[] CoreRows =
    [
        // Elementwise unary
        Unary("neg", x => x.Neg()),
        Unary("exp", x => x.Exp()),
        Unary("log", x => x.Log(), Positive),
        Unary("sqrt", x => x.Sqrt(), Positive),
        Unary("abs", x => x.Abs()),
        Unary("sign", x => x.Sign(), NonZero), // a jump at 0, not a kink: its derivative there is infinite
        Unary("tanh", x => x.Tanh()),
        Unary("sigmoid", x => x.Sigmoid()),
        Unary("relu", x => x.Relu()),
        new("relu_grad", (0, 3), Same(2), _ => xs => Tensor.ReluGrad(xs[0], xs[1]), [Any], Checked: [false, true]),
        Unary("softplus", x => x.Softplus()),
        Unary("log_sigmoid", x => x.LogSigmoid()),
        Unary("pow 2", x => x.Pow(2)),
        Unary("pow 3", x => x.Pow(3)),
        Unary("pow 0.5", x => x.Pow(0.5), Positive),
        Unary("pow -1", x => x.Pow(-1), NonZero),
        Unary("pow -2.5", x => x.Pow(-2.5), Positive),
        Unary("add scalar", x => x + 1.5),
        Unary("scalar sub", x => 2.0 - x),
        Unary("mul scalar", x => x * -3.0),
        Unary("div scalar", x => x / 4.0),
        Unary("scalar div", x => 2.0 / x, NonZero),
        Unary("square", x => x.Square()),
        Unary("clamp", x => x.Clamp(-0.5, 0.7)),
        // The round trip is the identity up to float32 rounding (about 6e-8 per element): a wide step keeps that
        // rounding, divided by the step, under the tolerance (a linear function has no truncation error).
        Unary("to float32 and back", x => x.To(DType.Float32).To(DType.Float64)) with { Eps = 0.05, Float32Inside = true },

        // Elementwise binary with broadcasting
        Binary("add", (a, b) => a + b),
        Binary("sub", (a, b) => a - b),
        Binary("mul", (a, b) => a * b),
        Binary("div", (a, b) => a / b, Any, NonZero),
        Binary("safe_mul", (a, b) => Tensor.SafeMul(a, b)),
        new("grad_sum", (0, 3), Same(2), _ => xs => AutoGrad.Autograd.GradientSumNode.Apply(xs[0], xs[1]), [Any]), // the tape's sum of two gradients
        Binary("pow tensor", (a, b) => Tensor.Pow(a, b), Positive, Any),
        Binary("maximum", (a, b) => Tensor.Maximum(a, b)),
        Binary("minimum", (a, b) => Tensor.Minimum(a, b)),
        new("where", (0, 3), Broadcast(3), _ => xs => Tensor.Where(xs[0].Gt(0), xs[1], xs[2]), [Any], Checked: [false, true, true]),
        new("where safe log", (0, 3), Same(1), _ => xs => Tensor.Where(xs[0].Gt(0), xs[0].Log(), 0.0), [Any]),

        // Reductions
        new("sum", (0, 3), Same(1), c => { var ax = c.RandomAxes(); bool k = c.Random.NextInt(2) == 0; return xs => xs[0].Sum(ax, k); }, [Any]),
        new("mean", (0, 3), Same(1), c => { var ax = c.RandomAxes(); bool k = c.Random.NextInt(2) == 0; return xs => xs[0].Mean(ax, k); }, [Any]),
        new("max", (0, 3), Same(1), c => { var ax = c.RandomAxes(); bool k = c.Random.NextInt(2) == 0; return xs => xs[0].Max(ax, k); }, [Any]),
        new("min", (0, 3), Same(1), c => { var ax = c.RandomAxes(); return xs => xs[0].Min(ax); }, [Any]),
        new("logsumexp", (0, 3), Same(1), c => { var ax = c.RandomAxes(); bool k = c.Random.NextInt(2) == 0; return xs => xs[0].LogSumExp(ax, k); }, [Any]),
        new("var", (1, 3), Same(1), c => { var ax = c.RandomAxes(); return xs => xs[0].Var(ax); }, [Any]),
        new("sum_to_shape", (0, 3), Broadcast(2), _ => xs => xs[1].Expand(Shapes.Broadcast("t", xs[0].Shape, xs[1].Shape)).SumToShape(xs[0].Shape) * xs[0], [Any]),

        // Matrix products
        new("matmul 2d", (3, 3), Matmul(), _ => xs => Tensor.Matmul(xs[0], xs[1]), [Any]),
        new("matmul batched", (4, 5), Matmul(), _ => xs => Tensor.Matmul(xs[0], xs[1]), [Any]),
        new("matmul broadcast batch", (4, 5), MatmulBroadcast, _ => xs => Tensor.Matmul(xs[0], xs[1]), [Any]),
        new("matmul vector", (2, 2), MatVec, _ => xs => Tensor.Matmul(xs[0], xs[1]), [Any]),
        new("matmul aᵀb", (3, 4), Matmul(transA: true), _ => xs => Tensor.MatmulT(xs[0], xs[1], true, false), [Any]),
        new("matmul abᵀ", (3, 4), Matmul(transB: true), _ => xs => Tensor.MatmulT(xs[0], xs[1], false, true), [Any]),
        new("matmul aᵀbᵀ", (3, 4), Matmul(transA: true, transB: true), _ => xs => Tensor.MatmulT(xs[0], xs[1], true, true), [Any]),

        // Shape ops
        new("reshape", (0, 3), Same(1), c => { var s = c.Shape; return xs => xs[0].Reshape([-1]).Reshape(s.Reverse().ToArray()) * xs[0].Reshape(s.Reverse().ToArray()); }, [Any]),
        new("permute", (1, 3), Same(1), c => { var p = c.Random.Permutation(c.Rank); return xs => xs[0].Permute(p); }, [Any]),
        new("transpose", (2, 3), Same(1), _ => xs => xs[0].Transpose(), [Any]),
        new("expand", (0, 3), Broadcast(2), _ => xs => xs[1].Expand(Shapes.Broadcast("t", xs[0].Shape, xs[1].Shape)), [Any], Checked: [false, true]),
        new("slice", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis(), n = c.Shape[ax], start = c.Random.NextInt(n), len = 1 + c.Random.NextInt(n - start);
            return xs => xs[0].Slice(ax, start, len);
        }, [Any]),
        new("select", (1, 3), Same(1), c => { int ax = c.RandomAxis(), i = c.Random.NextInt(c.Shape[ax]); return xs => xs[0].Select(ax, i); }, [Any]),
        new("pad", (1, 3), Same(1), c => { int ax = c.RandomAxis(), b = c.Random.NextInt(3), a = c.Random.NextInt(3); return xs => xs[0].Pad(ax, b, a) * 1.5; }, [Any]),
        new("concat axis 0", (1, 3), ConcatCompatible(3), _ => xs => Tensor.Concat(xs, 0), [Any]),
        new("concat last axis", (1, 3), ConcatCompatible(2, last: true), _ => xs => Tensor.Concat(xs, -1), [Any]),
        new("stack", (0, 3), Same(3), c => { int ax = c.Random.NextInt(c.Rank + 1); return xs => Tensor.Stack(xs, ax); }, [Any]),
        new("unsqueeze squeeze", (0, 3), Same(1), c => { int ax = c.Random.NextInt(c.Rank + 1); return xs => xs[0].Unsqueeze(ax).Exp().Squeeze(ax); }, [Any]),
        new("flatten", (0, 3), Same(1), _ => xs => xs[0].Flatten(), [Any]),
        new("view", (1, 3), Same(1), c =>
        {
            // The reversed shape with one size inferred: x.View(-1, d1, d0) for a [d0, d1, d2] input.
            var s = c.Shape.Reverse().ToArray();
            s[c.Random.NextInt(s.Length)] = -1;
            return xs => xs[0].View(s);
        }, [Any]),
        // Forward mode's alias (a dual made from a primal and back) inside the row: under the forward tests it nests in their level.
        new("dual alias", (0, 3), Same(1), _ => xs =>
        {
            using var level = AutoGrad.Autograd.ForwardMode.Level();
            return level.Primal(level.Dual(xs[0], xs[0].Square())) * xs[0];
        }, [Any]),
        new("range index", (1, 3), Same(1), c =>
        {
            // x[a..b] and x[^k..b]: rows a to b of the first axis.
            int n = c.Shape[0], start = c.Random.NextInt(n), end = start + 1 + c.Random.NextInt(n - start);
            Range r = c.Random.NextInt(2) == 0 ? start..end : new Range(Index.FromEnd(n - start), end);
            return xs => xs[0][r];
        }, [Any]),

        // Indexing
        new("gather", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis();
            int positions = Shapes.Numel(c.Shape) / c.Shape[ax];
            var idx = c.Indices(positions, () => c.Random.NextInt(c.Shape[ax]));
            return xs => xs[0].Gather(ax, idx);
        }, [Any]),
        new("scatter_add", (0, 3), Same(1), c =>
        {
            int ax = c.Random.NextInt(c.Rank + 1), size = 1 + c.Random.NextInt(3);
            var idx = c.Indices(Shapes.Numel(c.Shape), () => c.Random.NextInt(size));
            return xs => xs[0].ScatterAdd(ax, idx, size) * 2.0;
        }, [Any]),
        new("index_select", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis();
            var idx = c.Indices(1 + c.Random.NextInt(4), () => c.Random.NextInt(c.Shape[ax]));
            return xs => xs[0].IndexSelect(ax, idx);
        }, [Any]),
        new("index_add", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis(), size = 1 + c.Random.NextInt(3);
            var idx = c.Indices(c.Shape[ax], () => c.Random.NextInt(size));
            return xs => xs[0].IndexAdd(ax, idx, size);
        }, [Any]),

        // Softmax family
        new("softmax", (1, 3), Same(1), c => { int ax = c.RandomAxis(); return xs => xs[0].Softmax(ax); }, [Any]),
        new("log_softmax", (1, 3), Same(1), c => { int ax = c.RandomAxis(); return xs => xs[0].LogSoftmax(ax); }, [Any]),
        new("log_softmax second derivative", (1, 2), Same(1), c =>
        {
            int ax = c.RandomAxis();
            return xs =>
            {
                var y = xs[0].LogSoftmax(ax);
                var w = Tensor.Arange(y.Numel, xs[0].DType).Reshape(y.Shape.ToArray()) * 0.1;
                var g = GradOf(x => (x.LogSoftmax(ax) * w).Sum(), xs[0]);
                return (g * g).Sum();
            };
        }, [Any]),
    ];

    /// <summary>d f/dx as a tensor that is itself differentiable (create-graph), for second-derivative rows.</summary>
    private static Tensor GradOf(Func<Tensor, Tensor> f, Tensor x)
    {
        // The numeric side evaluates under NoGrad with plain inputs; the inner derivative still needs a graph.
        using var _ = AutoGrad.Autograd.Tape.EnableGrad();
        return AutoGrad.Autograd.Derivatives.Grad(f, x, createGraph: true);
    }

    /// <summary>Second-derivative rows: the gradient of a function built from many primitives, itself gradchecked.</summary>
    private static readonly OpCase[] SecondOrderRows =
    [
        new("second derivative: elementwise", (0, 3), Same(1), _ => xs => GradOf(x => (x.Tanh() * x.Sigmoid() + x.Exp() * 0.1 + x.Softplus() + x.Square() * x).Sum(), xs[0]), [Any]),
        new("second derivative: log, sqrt, pow, div", (0, 3), Same(1), _ => xs => GradOf(x => (x.Log() + x.Sqrt() + x.Pow(-1.5) + 1.0 / (x + 1)).Sum(), xs[0]), [Positive]),
        new("second derivative: matmul and broadcast", (2, 2), Same(1), c =>
        {
            var w = Tensor.Normal(c.Random, 0, 1, DType.Float64, c.Shape[1], 3);
            return xs => GradOf(x => (Tensor.Matmul(x, w.To(x.DType)).Tanh() * x.Sum(1, keepDim: true)).Sum(), xs[0]);
        }, [Any]),
        new("second derivative: reductions and softmax", (1, 3), Same(1), c =>
        {
            int ax = c.RandomAxis();
            return xs => GradOf(x => x.Softmax(ax).Square().Sum() + x.LogSumExp([ax]).Sum() + x.Mean() * x.Var([ax]).Sum(), xs[0]);
        }, [Any]),
        new("second derivative: where and abs", (0, 3), Same(1), _ => xs => GradOf(x => Tensor.Where(x.Gt(0), x.Square() * x, x.Abs() * 2).Sum(), xs[0]), [NonZero]),
    ];

    private static OpCase[]? s_rows;

    /// <summary>
    /// Every row: the core ops, then the toolkit's layers, losses and penalties
    /// (OpTable.Toolkit.cs), the convolution family (OpTable.Conv.cs), then pooling and normalization (OpTable.Pool.cs).
    /// Built on first use, because the order in which partial files' static fields are initialized is unspecified.
    /// </summary>
    public static OpCase[] Rows => s_rows ??= [.. CoreRows, .. SecondOrderRows, .. ToolkitRows, .. ConvRows, .. PoolRows, .. RecurrentRows, .. MoreRows];

    /// <summary>The row names, for xUnit's MemberData.</summary>
    public static IEnumerable<object[]> Names => Rows.Select(r => new object[] { r.Name });

    public static OpCase Get(string name) => Rows.Single(r => r.Name == name);
}
