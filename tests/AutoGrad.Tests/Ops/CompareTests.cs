using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// Comparisons (gt, ge, lt, le, eq, ne) are not differentiable, so the op table's gradcheck does
/// not cover them: here each one is compared with the C# operator on doubles, element by element,
/// over random broadcast shapes in both dtypes, and their outputs are checked to be constants
/// (no gradient, no node) even when the inputs require grad.
/// </summary>
public class CompareTests
{
    private delegate Tensor TensorCompare(Tensor a, Tensor b);

    /// <summary>Each comparison: the tensor op and the scalar reference it must agree with.</summary>
    private static readonly (string Name, TensorCompare Op, Func<double, double, bool> Reference)[] Comparisons =
    [
        ("gt", (a, b) => a > b, (x, y) => x > y),
        ("ge", (a, b) => a >= b, (x, y) => x >= y),
        ("lt", (a, b) => a < b, (x, y) => x < y),
        ("le", (a, b) => a <= b, (x, y) => x <= y),
        ("eq", Tensor.Eq, (x, y) => x == y),
        ("ne", Tensor.Ne, (x, y) => x != y),
    ];

    public static IEnumerable<object[]> Names => Comparisons.Select(c => new object[] { c.Name });

    private static (string Name, TensorCompare Op, Func<double, double, bool> Reference) Get(string name) =>
        Comparisons.Single(c => c.Name == name);

    /// <summary>
    /// Values from a small set, so ties (where ge/le/eq/ne differ from gt/lt) are common, with
    /// infinities and NaN (every comparison with NaN is false except ne).
    /// </summary>
    private static readonly double[] Values = [-1, -0.5, 0, 0.5, 1, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    /// <summary>Two broadcastable shapes (size-1 and missing leading dimensions included) and value picks.</summary>
    private static Gen<(int[] A, int[] B, int[] Picks, bool Float32)> Cases =>
        from rank in Gen.Choose(0, 3)
        from dims in Gen.ArrayOf(Gen.Choose(1, 3), rank)
        from flags in Gen.Choose(0, int.MaxValue)
        from picks in Gen.ArrayOf(Gen.Choose(0, Values.Length - 1), 64)
        from float32 in Gen.Elements(true, false)
        let shapes = ShapeRules.Broadcast(2)(dims, flags)
        // Swap sometimes, so either side may be the smaller one.
        let swap = (flags & 1) == 1
        select (swap ? shapes[1] : shapes[0], swap ? shapes[0] : shapes[1], picks, float32);

    private static Tensor Make(int[] shape, int[] picks, int offset, DType dtype)
    {
        int n = Shapes.Numel(shape);
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = Values[picks[(i + offset) % picks.Length]];
        return Tensor.From(dtype, data, shape.Length == 0 ? [1] : shape).Reshape(shape);
    }

    /// <summary>The reference: each output element from the broadcast elements of a and b.</summary>
    private static double[] Reference(Tensor a, Tensor b, Func<double, double, bool> cmp)
    {
        var shape = Shapes.Broadcast("reference", a.Shape, b.Shape);
        var av = a.ToDoubleArray();
        var bv = b.ToDoubleArray();
        var result = new double[Shapes.Numel(shape)];
        var index = new int[shape.Length];
        for (int flat = 0; flat < result.Length; flat++)
        {
            for (int d = shape.Length - 1, rest = flat; d >= 0; d--) { index[d] = rest % shape[d]; rest /= shape[d]; }
            result[flat] = cmp(av[Offset(a.Shape, index)], bv[Offset(b.Shape, index)]) ? 1 : 0;
        }
        return result;
    }

    /// <summary>The flat offset in a tensor of <paramref name="shape"/> of an output index (aligned from the right; size-1 dimensions repeat).</summary>
    private static int Offset(ReadOnlySpan<int> shape, int[] index)
    {
        int offset = 0, lead = index.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++) offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[d + lead]);
        return offset;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesTheScalarComparisonOverBroadcastShapes(string name)
    {
        var (_, op, cmp) = Get(name);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var dtype = c.Float32 ? DType.Float32 : DType.Float64;
            var a = Make(c.A, c.Picks, 0, dtype);
            var b = Make(c.B, c.Picks, 29, dtype);
            var y = op(a, b);
            Assert.Equal(Shapes.Broadcast("reference", c.A, c.B), y.Shape.ToArray());
            Assert.Equal(dtype, y.DType);
            Assert.Equal(Reference(a, b, cmp), y.ToDoubleArray());
        }));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OutputIsAConstantEvenWhenInputsRequireGrad(string name)
    {
        var (_, op, _) = Get(name);
        var a = Tensor.From(DType.Float64, [1, 2, 3, 4, 5, 6], 2, 3).RequireGrad();
        var b = Tensor.From(DType.Float64, [2, 5, 4], 3).RequireGrad();
        var h = a * 2;   // a non-leaf with a graph
        foreach (var y in new[] { op(a, b), op(h, b), op(b, h) })
        {
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
            Assert.True(y.IsLeaf);
        }

        // Used as a mask, the comparison contributes nothing to the gradient: d(Σ mask·h)/da = 2·mask.
        var mask = op(h, b);
        (mask * h).Sum().Backward();
        Assert.Equal(mask.ToDoubleArray().Select(m => 2 * m).ToArray(), a.Grad!.ToDoubleArray());
        Assert.Null(b.Grad);
    }

    [Fact]
    public void ScalarOverloadsCompareWithTheNumber()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.From(dtype, [0.25, 0.5, 0.75, double.NaN], 4).RequireGrad();
            Assert.Equal([0.0, 0, 1, 0], (x > 0.5).ToDoubleArray());
            Assert.Equal([0.0, 1, 1, 0], (x >= 0.5).ToDoubleArray());
            Assert.Equal([1.0, 0, 0, 0], (x < 0.5).ToDoubleArray());
            Assert.Equal([1.0, 1, 0, 0], (x <= 0.5).ToDoubleArray());
            Assert.Equal([0.0, 0, 1, 0], x.Gt(0.5).ToDoubleArray());
            Assert.Equal([0.0, 1, 1, 0], x.Ge(0.5).ToDoubleArray());
            Assert.Equal([1.0, 0, 0, 0], x.Lt(0.5).ToDoubleArray());
            Assert.Equal([1.0, 1, 0, 0], x.Le(0.5).ToDoubleArray());
            Assert.Equal([0.0, 1, 0, 0], x.Eq(0.5).ToDoubleArray());
            foreach (var y in new[] { x > 0.5, x >= 0.5, x < 0.5, x <= 0.5, x.Eq(0.5) })
            {
                Assert.Equal(dtype, y.DType);
                Assert.Equal([4], y.Shape.ToArray());
                Assert.False(y.RequiresGrad);
                Assert.Null(y.GradFn);
            }
        }
    }

    [Fact]
    public void ScalarOverloadKeepsTheShapeOfAScalarTensor()
    {
        var s = Tensor.Scalar(2.0);
        var y = s > 1;
        Assert.Empty(y.Shape.ToArray());
        Assert.Equal(1.0, y.Item());
    }

    [Fact]
    public void ComparisonsRefuseMixedDtypesAndUnbroadcastableShapes()
    {
        foreach (var (name, op, _) in Comparisons)
        {
            var d = Assert.Throws<ArgumentException>(() => op(Tensor.Zeros(DType.Float32, 2), Tensor.Zeros(DType.Float64, 2)));
            Assert.StartsWith($"{name}: dtype mismatch: float32 [2] and float64 [2]", d.Message);
            var s = Assert.Throws<ShapeException>(() => op(Tensor.Zeros(2, 3), Tensor.Zeros(2)));
            Assert.Equal(name, s.Op);
            Assert.StartsWith($"{name}: shapes [2, 3] and [2] do not broadcast at dimension 1 of the first and 0 of the second: 3 vs 2", s.Message);
        }
    }
}
