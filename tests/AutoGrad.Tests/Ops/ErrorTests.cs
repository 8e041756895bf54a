using AutoGrad.Tests.Support;
namespace AutoGrad.Tests.Ops;

/// <summary>
/// Bad input gets an error naming the op, every shape involved and the failing dimension (or the
/// argument and its value), worded in one format by <c>ShapeErrors</c>; and a failed op changes
/// nothing. Messages are compared whole, so a change of wording is a visible change here.
/// </summary>
public class ErrorTests
{
    private const string BroadcastRule = "aligned from the right, each pair of sizes must be equal or one of them 1";
    private const string BroadcastToRule = "aligned from the right, each size must be 1 or equal to the target's, and the target needs at least as many dimensions";

    private static readonly Tensor X = Tensor.Zeros(2, 3);

    private static void Fails(string expected, Action op)
    {
        var e = Assert.Throws<ShapeException>(op);
        Assert.Equal(expected, e.Message);
        Assert.Equal(expected[..expected.IndexOf(':')], e.Op);
    }

    // ---- Broadcasting

    [Fact]
    public void MismatchedShapesNameOpBothShapesAndDimension()
    {
        Fails($"add: shapes [2, 3] and [4, 3] do not broadcast at dimension 0: 2 vs 4; {BroadcastRule}", () => _ = X + Tensor.Zeros(4, 3));
        Fails($"sub: shapes [2, 3] and [4] do not broadcast at dimension 1 of the first and 0 of the second: 3 vs 4; {BroadcastRule}", () => _ = X - Tensor.Zeros(4));
        Fails($"mul: shapes [5, 2, 3] and [4, 3] do not broadcast at dimension 1 of the first and 0 of the second: 2 vs 4; {BroadcastRule}", () => _ = Tensor.Zeros(5, 2, 3) * Tensor.Zeros(4, 3));
        Fails($"div: shapes [3] and [2, 2] do not broadcast at dimension 0 of the first and 1 of the second: 3 vs 2; {BroadcastRule}", () => _ = Tensor.Zeros(3) / Tensor.Zeros(2, 2));
    }

    [Fact]
    public void ComparisonsListTheirOperandsInTheOrderWritten()
    {
        // lt and le run the gt and ge kernels with the operands swapped; the message must not.
        Fails($"lt: shapes [2, 3] and [4] do not broadcast at dimension 1 of the first and 0 of the second: 3 vs 4; {BroadcastRule}", () => _ = X < Tensor.Zeros(4));
        Fails($"le: shapes [4] and [2, 3] do not broadcast at dimension 0 of the first and 1 of the second: 4 vs 3; {BroadcastRule}", () => _ = Tensor.Zeros(4) <= X);
        Fails($"gt: shapes [2, 3] and [3, 3] do not broadcast at dimension 0: 2 vs 3; {BroadcastRule}", () => _ = X > Tensor.Zeros(3, 3));
        Fails($"eq: shapes [2] and [3] do not broadcast at dimension 0: 2 vs 3; {BroadcastRule}", () => _ = Tensor.Eq(Tensor.Zeros(2), Tensor.Zeros(3)));
    }

    [Fact]
    public void WhereNamesTheConflictingOperands()
    {
        Fails($"where: cond [2], a [3] and b [3] do not broadcast at dimension 0 of cond and 0 of a: 2 vs 3; {BroadcastRule}",
            () => _ = Tensor.Where(Tensor.Zeros(2), Tensor.Zeros(3), Tensor.Zeros(3)));
        Fails($"where: cond [3], a [2, 3] and b [4] do not broadcast at dimension 0 of cond and 0 of b: 3 vs 4; {BroadcastRule}",
            () => _ = Tensor.Where(Tensor.Zeros(3), Tensor.Zeros(2, 3), Tensor.Zeros(4)));
        Fails($"where: cond [1, 3], a [2, 1] and b [5, 3] do not broadcast at dimension 0 of a and 0 of b: 2 vs 5; {BroadcastRule}",
            () => _ = Tensor.Where(Tensor.Zeros(1, 3), Tensor.Zeros(2, 1), Tensor.Zeros(5, 3)));
    }

    [Fact]
    public void ExpandNamesTheDimensionAndWhatIsAllowed()
    {
        Fails($"expand: shape [2, 3] cannot be broadcast to [3, 3] at dimension 0: 2 vs 3; {BroadcastToRule}", () => X.Expand([3, 3]));
        Fails($"expand: shape [2, 3] cannot be broadcast to [3]: rank 2 vs 1; {BroadcastToRule}", () => X.Expand([3]));
        Fails($"expand: shape [2] cannot be broadcast to [3, 3] at dimension 0 of the shape and 1 of the target: 2 vs 3; {BroadcastToRule}", () => Tensor.Zeros(2).Expand([3, 3]));
    }

    [Fact]
    public void SumToShapeNamesTheDimension()
    {
        Fails($"sum_to_shape: cannot sum [3, 3] down to [2, 3]: [2, 3] does not broadcast to [3, 3] at dimension 0: 2 vs 3; {BroadcastToRule}", () => Tensor.Zeros(3, 3).SumToShape([2, 3]));
        Fails($"sum_to_shape: cannot sum [3] down to [1, 3]: [1, 3] does not broadcast to [3]: rank 2 vs 1; {BroadcastToRule}", () => Tensor.Zeros(3).SumToShape([1, 3]));
    }

    // ---- Matrix products

    [Fact]
    public void MatmulNamesTheInnerAndBatchDimensions()
    {
        Fails("matmul: shapes [2, 3] and [4, 5] cannot be multiplied at dimension 1 of the first and 0 of the second: 3 vs 4; the inner dimensions must be equal",
            () => Tensor.Matmul(X, Tensor.Zeros(4, 5)));
        Fails("matmul: shapes [3] and [4, 5] cannot be multiplied at dimension 0: 3 vs 4; the inner dimensions must be equal",
            () => Tensor.Matmul(Tensor.Zeros(3), Tensor.Zeros(4, 5)));
        Fails("matmul: shapes [2, 3] and [4] cannot be multiplied at dimension 1 of the first and 0 of the second: 3 vs 4; the inner dimensions must be equal",
            () => Tensor.Matmul(X, Tensor.Zeros(4)));
        Fails($"matmul: shapes [2, 2, 3] and [3, 3, 4] cannot be multiplied: batch dimensions [2] and [3] do not broadcast at dimension 0: 2 vs 3; {BroadcastRule}",
            () => Tensor.Matmul(Tensor.Zeros(2, 2, 3), Tensor.Zeros(3, 3, 4)));
        Fails($"matmul: shapes [5, 2, 2, 3] and [4, 3, 4] cannot be multiplied: batch dimensions [5, 2] and [4] do not broadcast at dimension 1 of the first and 0 of the second: 2 vs 4; {BroadcastRule}",
            () => Tensor.Matmul(Tensor.Zeros(5, 2, 2, 3), Tensor.Zeros(4, 3, 4)));
        Fails("matmul: shapes [] and [3] cannot be multiplied: the first operand has rank 0; both operands need rank >= 1",
            () => Tensor.Matmul(Tensor.Scalar(1), Tensor.Zeros(3)));
    }

    [Fact]
    public void MatmulTNamesTransposedOperands()
    {
        Fails("matmul: shapes [2, 3]ᵀ and [4, 5] cannot be multiplied at dimension 0: 2 vs 4; the inner dimensions must be equal",
            () => Tensor.MatmulT(X, Tensor.Zeros(4, 5), true, false));
        Fails("matmul: shapes [2, 3] and [5, 4]ᵀ cannot be multiplied at dimension 1: 3 vs 4; the inner dimensions must be equal",
            () => Tensor.MatmulT(X, Tensor.Zeros(5, 4), false, true));
        Fails("matmul: shapes [2, 3] and [3] cannot be multiplied: rank 2 vs 1; MatmulT needs two operands of the same rank >= 2 (Matmul takes vectors and broadcasts batches)",
            () => Tensor.MatmulT(X, Tensor.Zeros(3), false, false));
        Fails("matmul: shapes [2, 2, 3] and [3, 3, 4] cannot be multiplied: batch dimensions differ at dimension 0: 2 vs 3; MatmulT needs equal batch dimensions (Matmul broadcasts them)",
            () => Tensor.MatmulT(Tensor.Zeros(2, 2, 3), Tensor.Zeros(3, 3, 4), false, false));
    }

    // ---- Reductions and axes

    [Fact]
    public void ReductionAxesAreValidated()
    {
        Fails("sum: axis 2 is out of range for a tensor of rank 2 (valid: -2..1)", () => X.Sum(2));
        Fails("sum: axis 1 appears more than once in [1, -1]; each axis may be given once", () => X.Sum([1, -1]));
        Fails("max: cannot reduce dimension 0 of shape [0, 2]: its size is 0; max needs at least one element", () => Tensor.Zeros(0, 2).Max(0));
        Fails("argmax: cannot reduce dimension 1 of shape [2, 0]: its size is 0; argmax needs at least one element", () => Tensor.Zeros(2, 0).ArgMax());
    }

    // ---- Shape ops

    [Fact]
    public void ReshapeNamesBothShapes()
    {
        Fails("reshape: cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements); the element counts must be equal", () => X.Reshape([4, 2]));
        Fails("reshape: cannot reshape [2, 3] into [-1, -1]: dimensions 0 and 1 are both -1; only one size can be inferred", () => X.Reshape([-1, -1]));
        Fails("reshape: cannot reshape [2, 3] into [3, -2]: dimension 1 is -2; sizes must be >= 0, or -1 for one inferred size", () => X.Reshape([3, -2]));
        Fails("reshape: cannot reshape [2, 3] (6 elements) into [4, -1]: the other dimensions hold 4 elements, which does not divide 6, so dimension 1 (-1) cannot be inferred", () => X.View(4, -1));
        Fails("reshape: cannot reshape [2, 3] (6 elements) into [0, -1]: the other dimensions hold 0 elements, which does not divide 6, so dimension 1 (-1) cannot be inferred", () => X.Reshape([0, -1]));
    }

    [Fact]
    public void SqueezePermuteTransposeNameTheDimension()
    {
        Fails("squeeze: shape [2, 3] cannot be squeezed at dimension 0: 2 vs 1; only a dimension of size 1 can be removed", () => X.Squeeze(0));
        Fails("squeeze: shape [2, 3] cannot be squeezed at dimension 1: 3 vs 1; only a dimension of size 1 can be removed", () => X.Squeeze(-1));
        Fails("squeeze: axis 2 is out of range for a tensor of rank 2 (valid: -2..1)", () => X.Squeeze(2));
        Fails("permute: [0, 0] names dimension 0 of shape [2, 3] twice (positions 0 and 1); give each axis 0..1 exactly once", () => X.Permute([0, 0]));
        Fails("permute: [1, -1] names dimension 1 of shape [2, 3] twice (positions 0 and 1); give each axis 0..1 exactly once", () => X.Permute([1, -1]));
        Fails("permute: [0, 1, 2] gives 3 axes for shape [2, 3]: rank 3 vs 2; give each axis 0..1 exactly once", () => X.Permute([0, 1, 2]));
        Fails("transpose: shape [3] has rank 1; transpose needs rank >= 2", () => Tensor.Zeros(3).Transpose());
    }

    [Fact]
    public void SliceSelectPadNameTheDimensionAndItsSize()
    {
        Fails("slice: range [2, 4) does not fit dimension 1 of shape [2, 3] (size 3); need 0 <= start <= end <= 3", () => X.Slice(1, 2, 2));
        Fails("slice: range [-1, 0) does not fit dimension 0 of shape [2, 3] (size 2); need 0 <= start <= end <= 2", () => X.Slice(0, -1, 1));
        Fails("slice: range [1, 5) does not fit dimension 0 of shape [2, 3] (size 2); need 0 <= start <= end <= 2", () => _ = X[1..5]);
        Fails("slice: range [-1, 2) does not fit dimension 0 of shape [2, 3] (size 2); need 0 <= start <= end <= 2", () => _ = X[^3..]);
        Fails("slice: shape [] has rank 0; x[a..b] needs rank >= 1", () => _ = Tensor.Scalar(1)[0..1]);
        Fails("select: index 5 is out of range for dimension 0 of shape [2, 3] (size 2); valid: -2..1", () => X.Select(0, 5));
        Fails("select: index -4 is out of range for dimension 1 of shape [2, 3] (size 3); valid: -3..2", () => X.Select(1, -4));
        Fails("pad: widths before -1 and after 0 along dimension 1 of shape [2, 3]; both must be >= 0", () => X.Pad(1, -1, 0));
    }

    [Fact]
    public void ConcatAndStackNameTheTensorAndTheDimension()
    {
        Fails("concat: tensor 1 has shape [2, 4] but tensor 0 has [2, 3]: they differ at dimension 1: 4 vs 3; only dimension 0 (the concat axis) may differ",
            () => Tensor.Concat([X, Tensor.Zeros(2, 4)], 0));
        Fails("concat: tensor 2 has shape [3, 3] but tensor 0 has [2, 3]: they differ at dimension 0: 3 vs 2; only dimension 1 (the concat axis) may differ",
            () => Tensor.Concat([X, Tensor.Zeros(2, 1), Tensor.Zeros(3, 3)], -1));
        Fails("concat: tensor 1 has shape [2] but tensor 0 has [2, 3]: rank 1 vs 2; all tensors need the same rank", () => Tensor.Concat([X, Tensor.Zeros(2)]));
        Fails("concat: got no tensors; needs at least one", () => Tensor.Concat([]));
        Fails("stack: tensor 1 has shape [3, 2] but tensor 0 has [2, 3]: they differ at dimension 0: 3 vs 2; all tensors must have the same shape",
            () => Tensor.Stack([X, Tensor.Zeros(3, 2)]));
        Fails("stack: tensor 2 has shape [2, 4] but tensor 0 has [2, 3]: they differ at dimension 1: 4 vs 3; all tensors must have the same shape",
            () => Tensor.Stack([X, X, Tensor.Zeros(2, 4)], 1));
        Fails("stack: tensor 1 has shape [6] but tensor 0 has [2, 3]: rank 1 vs 2; all tensors must have the same shape", () => Tensor.Stack([X, Tensor.Zeros(6)]));
        Fails("stack: got no tensors; needs at least one", () => Tensor.Stack([]));
    }

    [Fact]
    public void SameShapeChecksNameTheDimension()
    {
        Fails("CopyFrom: shapes [2, 3] and [3, 2] differ at dimension 0: 2 vs 3; they must be equal", () => Tensor.Zeros(2, 3).CopyFrom(Tensor.Zeros(3, 2)));
        Fails("relu_grad: shapes [2, 3] and [2] differ: rank 2 vs 1; they must be equal", () => Tensor.ReluGrad(X, Tensor.Zeros(2)));
        var root = Tensor.Zeros(DType.Float64, 2, 3).RequireGrad() * 2;
        Fails("backward (seed): shapes [2, 3] and [2, 2] differ at dimension 1: 3 vs 2; they must be equal", () => root.Backward(Tensor.Zeros(DType.Float64, 2, 2)));
    }

    // ---- Indexing and creation

    [Fact]
    public void IndexOpsValidate()
    {
        Fails("gather: shape [2, 3] along dimension 1 needs 2 indices (one per position of the other dimensions), got 3", () => X.Gather(1, [0, 1, 2]));
        Fails("scatter_add: shape [2, 4, 3] along dimension 1 needs 6 indices (one per element of [2, 3]), got 2", () => X.ScatterAdd(1, [0, 1], 4));
        Fails("index_add: shape [2, 3] along dimension 1 needs 3 indices (one per slice along it), got 2", () => X.IndexAdd(1, [0, 1], 4));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => X.Gather(1, [0, 3]));
        Assert.StartsWith("gather: index 3 at position 1 is out of range for dimension 1 of size 3 (valid: 0..2)", e.Message);
        Assert.Equal("index", e.ParamName);
        Assert.StartsWith("index_select: index -1 at position 0 is out of range for dimension 0 of size 2 (valid: 0..1)",
            Assert.Throws<ArgumentOutOfRangeException>(() => X.IndexSelect(0, [-1])).Message);
        Assert.StartsWith("index_add: index 4 at position 2 is out of range for dimension 1 of size 4 (valid: 0..3)",
            Assert.Throws<ArgumentOutOfRangeException>(() => X.IndexAdd(1, [0, 1, 4], 4)).Message);
        Assert.StartsWith("scatter_add: index 2 at position 0 is out of range for dimension 0 of size 2 (valid: 0..1)",
            Assert.Throws<ArgumentOutOfRangeException>(() => X.ScatterAdd(0, [2, 0, 0, 0, 0, 0], 2)).Message);
    }

    [Fact]
    public void CreationChecksTheShape()
    {
        Fails("From: shape [2, 2] holds 4 elements but the data has 3; the counts must be equal", () => Tensor.From(DType.Float32, [1.0, 2, 3], 2, 2));
        Fails("Zeros: shape [2, -1] has size -1 at dimension 1; sizes must be >= 0", () => Tensor.Zeros(2, -1));
    }

    // ---- Dtypes

    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> BinaryOpsByName = new()
    {
        ["add"] = (a, b) => a + b,
        ["sub"] = (a, b) => a - b,
        ["mul"] = (a, b) => a * b,
        ["div"] = (a, b) => a / b,
        ["safe_mul"] = (a, b) => Tensor.SafeMul(a, b),
        ["matmul"] = (a, b) => Tensor.Matmul(a.Reshape([1, 2]), b),
        ["where"] = (a, b) => Tensor.Where(a.Gt(0), a, b),
        ["concat"] = (a, b) => Tensor.Concat([a, b]),
        ["stack"] = (a, b) => Tensor.Stack([a, b]),
        ["gt"] = (a, b) => a > b,
        ["lt"] = (a, b) => a < b,
        ["eq"] = (a, b) => Tensor.Eq(a, b),
    };

    public static IEnumerable<object[]> BinaryOps => BinaryOpsByName.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void DtypeMixIsRefusedWithAHint(string op)
    {
        var f = BinaryOpsByName[op];
        var a = Tensor.Zeros(DType.Float32, 2);
        var b = Tensor.Zeros(DType.Float64, 2);
        var e = Assert.Throws<ArgumentException>(() => f(a, b));
        // matmul sees a as [1, 2] by then; every other op sees both as [2].
        string shapeA = op == "matmul" ? "[1, 2]" : "[2]";
        Assert.Equal($"{op}: dtype mismatch: float32 {shapeA} and float64 [2]; convert one with .To(DType.Float32) or .To(DType.Float64)", e.Message);
        // The other order names the dtypes the other way round.
        var r = Assert.Throws<ArgumentException>(() => f(b.Reshape(op == "matmul" ? [2, 1] : [2]), a.Reshape([2])));
        Assert.StartsWith($"{op}: dtype mismatch: float64", r.Message);
    }

    // ---- A failed op changes nothing

    /// <summary>Everything about a tensor that a failed op could have disturbed.</summary>
    private sealed record Snapshot(double[] Values, int Version, object? GradFn, double[]? Grad, bool RequiresGrad, string Shape)
    {
        public static Snapshot Of(Tensor t) =>
            new(t.ToDoubleArray(), t.Storage.Version, t.GradFn, t.Grad?.ToDoubleArray(), t.RequiresGrad, Shapes.Format(t.Shape));

        public void AssertSame(Snapshot other)
        {
            Assert.Equal(Values, other.Values);
            Assert.Equal(Version, other.Version);
            Assert.Same(GradFn, other.GradFn);
            Assert.Equal(Grad, other.Grad);
            Assert.Equal(RequiresGrad, other.RequiresGrad);
            Assert.Equal(Shape, other.Shape);
        }
    }

    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> FailingOpsByName = new()
    {
        ["add"] = (a, b) => a + b,
        ["matmul"] = (a, b) => Tensor.Matmul(a, b.Reshape([4, 1])),
        ["matmul vector"] = (a, b) => Tensor.Matmul(a, b.Reshape([-1])),
        ["concat"] = (a, b) => Tensor.Concat([a, b], 0),
        ["stack"] = (a, b) => Tensor.Stack([a, b]),
        ["where"] = (a, b) => Tensor.Where(a.Gt(0), a, b),
        ["expand"] = (a, _) => a.Expand([4, 3]),
        ["copy_from"] = (a, b) => { a.CopyFrom(b); return a; },
    };

    public static IEnumerable<object[]> FailingOps => FailingOpsByName.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(FailingOps))]
    public void FailedOpLeavesInputsTheirGradientsAndGraphsUnchanged(string op)
    {
        var f = FailingOpsByName[op];
        // a is [2, 3] and a non-leaf with a graph and a gradient from an earlier backward; b is a [2, 2] leaf with one.
        var leaf = Tensor.From(DType.Float64, [1, 2, 3, 4, 5, 6], 2, 3).RequireGrad();
        var a = leaf * 2;
        var b = Tensor.From(DType.Float64, [1, -1, 2, -2], 2, 2).RequireGrad();
        (a.Sum() + b.Sum()).Backward(retainGraph: true);
        Snapshot leafBefore = Snapshot.Of(leaf), aBefore = Snapshot.Of(a), bBefore = Snapshot.Of(b);

        var e = Assert.Throws<ShapeException>(() => f(a, b));
        Assert.StartsWith(op.Split(' ')[0].Replace("copy_from", "CopyFrom") + ": ", e.Message);

        leafBefore.AssertSame(Snapshot.Of(leaf));
        aBefore.AssertSame(Snapshot.Of(a));
        bBefore.AssertSame(Snapshot.Of(b));
        // The graph still works, and adds to the earlier gradients as if nothing had happened.
        (a.Sum() * 3).Backward();
        Assert.Equal([8.0, 8, 8, 8, 8, 8], leaf.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 1, 1, 1], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void FailedBackwardLeavesGradientsUnchanged()
    {
        var x = Tensor.From(DType.Float64, [1, 2, 3]).RequireGrad();
        var y = x * x;
        Assert.Throws<ShapeException>(() => y.Backward(Tensor.Ones(DType.Float64, 2)));
        Assert.Null(x.Grad);
        y.Backward(Tensor.Ones(DType.Float64, 3));
        Assert.Equal([2.0, 4, 6], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void EveryShapeErrorIsWordedInOnePlace()
    {
        // ShapeException is only constructed by ShapeErrors; everything else goes through it.
        var src = Path.Combine(RepositoryFiles.Root, "src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) is not ("ShapeErrors.cs" or "ShapeException.cs"))
            .Where(f => File.ReadAllText(f).Contains("new ShapeException("))
            .Select(f => Path.GetRelativePath(src, f))
            .ToList();
        Assert.Empty(offenders);
    }
}
