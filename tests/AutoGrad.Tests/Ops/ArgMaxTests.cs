using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// <see cref="Tensor.ArgMax"/> returns integers, so the op table cannot gradcheck it: here it is
/// compared with a direct scan over random shapes and axes, with ties (the first wins) and NaN
/// (counts as the largest) drawn often.
/// </summary>
public class ArgMaxTests
{
    private static readonly double[] Values = [-1, 0, 0.5, 2, double.NegativeInfinity, double.NaN];

    /// <summary>The index along <paramref name="axis"/> of the largest element, for each position of the other axes (row-major).</summary>
    private static int[] Reference(double[] x, int[] shape, int axis)
    {
        int outer = 1, inner = 1, n = shape[axis];
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        var result = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int j = 1; j < n; j++)
                {
                    double v = x[(o * n + j) * inner + i], b = x[(o * n + best) * inner + i];
                    if (double.IsNaN(b)) break;
                    if (double.IsNaN(v) || v > b) best = j;
                }
                result[o * inner + i] = best;
            }
        return result;
    }

    [Fact]
    public void MatchesADirectScanOverRandomShapesAndAxes()
    {
        var gen = from rank in Gen.Choose(1, 3)
                  from dims in Gen.ArrayOf(Gen.Choose(1, 4), rank)
                  from axis in Gen.Choose(-rank, rank - 1)
                  from picks in Gen.ArrayOf(Gen.Choose(0, Values.Length - 1), 64)
                  from float32 in Gen.Elements(true, false)
                  select (dims, axis, picks, float32);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (dims, axis, picks, float32) = c;
            var data = Enumerable.Range(0, Shapes.Numel(dims)).Select(i => Values[picks[i % picks.Length]]).ToArray();
            var x = Tensor.From(float32 ? DType.Float32 : DType.Float64, data, dims);
            Assert.Equal(Reference(data, dims, axis < 0 ? axis + dims.Length : axis), x.ArgMax(axis));
        }));
    }

    [Fact]
    public void TiesGoToTheFirstAndNaNCountsAsLargest()
    {
        var x = Tensor.From(DType.Float64, [1, 3, 3, double.NaN, 2, double.NaN], 2, 3);
        Assert.Equal([1, 0], x.ArgMax(1));
        Assert.Equal([1, 0, 1], x.ArgMax(0));
    }

    [Fact]
    public void DoesNotTouchTheGraph()
    {
        var x = Tensor.From(DType.Float64, [1, 5, 2], 3).RequireGrad();
        var y = x * 2;
        Assert.Equal([1], y.ArgMax());
        Assert.Null(x.Grad);
        y.Sum().Backward();
        Assert.Equal([2.0, 2, 2], x.Grad!.ToDoubleArray());
    }
}
