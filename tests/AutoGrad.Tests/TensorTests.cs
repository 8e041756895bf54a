namespace AutoGrad.Tests;

public class TensorTests
{
    [Fact]
    public void CreationFunctionsGiveShapesDtypesAndValues()
    {
        var z = Tensor.Zeros(2, 3);
        Assert.Equal([2, 3], z.Shape.ToArray());
        Assert.Equal(DType.Float32, z.DType);
        Assert.All(z.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(Tensor.Ones(DType.Float64, 4).ToDoubleArray(), v => Assert.Equal(1, v));
        Assert.Equal([7.5, 7.5], Tensor.Full(7.5, DType.Float64, 2).ToDoubleArray());
        Assert.Equal([0.0, 0.5, 1.0, 1.5], Tensor.Arange(0, 2, 0.5, DType.Float64).ToDoubleArray());
        Assert.Equal([0.0, 1, 2], Tensor.Arange(3).ToDoubleArray());
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1], Tensor.Linspace(0, 1, 5, DType.Float64).ToDoubleArray());
        Assert.Equal([1.0, 0, 0, 1], Tensor.Eye(2).ToDoubleArray());
        Assert.Equal(0, Tensor.Scalar(3).Rank);
        Assert.Equal(3.0, Tensor.Scalar(3).Item());
        var m = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2, 3], m.Shape.ToArray());
        Assert.Equal(6.0, m[1, 2]);
        Assert.Equal(4.0, m[-1, 0]);
        Assert.Equal([0.0, 1, 0, 0, 0, 1], Tensor.OneHot([1, 2], 3).ToDoubleArray());
    }

    [Fact]
    public void FromArrayCopiesTheData()
    {
        var data = new float[] { 1, 2, 3, 4 };
        var t = Tensor.FromArray(data, 2, 2);
        data[0] = 99;
        Assert.Equal(1.0, t[0, 0]);
    }

    [Fact]
    public void SeededRandomTensorsAreReproducible()
    {
        var a = Tensor.Randn(new Generator(42), 100);
        var b = Tensor.Randn(new Generator(42), 100);
        Assert.Equal(a.ToFloatArray(), b.ToFloatArray());
        var v = a.ToDoubleArray();
        Assert.InRange(v.Average(), -0.3, 0.3);
        var u = Tensor.Uniform(new Generator(1), -2, 3, DType.Float64, 1000).ToDoubleArray();
        Assert.All(u, x => Assert.InRange(x, -2, 3));
        Assert.InRange(u.Average(), 0.3, 0.7);
    }

    [Fact]
    public void SlicingAndSelecting()
    {
        var x = Tensor.Arange(12, DType.Float64).Reshape([3, 4]);
        Assert.Equal([4.0, 5, 6, 7, 8, 9, 10, 11], x[1..].ToDoubleArray());
        Assert.Equal([1.0, 5, 9], x.Select(1, 1).ToDoubleArray());
        Assert.Equal([2.0, 3, 6, 7, 10, 11], x.Slice(1, 2, 2).ToDoubleArray());
        Assert.Equal([4, 3], x.T.Shape.ToArray());
        Assert.Equal(4.0, x.T[0, 1]);
    }

    [Fact]
    public void IndexerSetBumpsVersionAndChecksRange()
    {
        var x = Tensor.Zeros(2, 2);
        x[0, 1] = 5;
        Assert.Equal(5.0, x[0, 1]);
        var e = Assert.Throws<IndexOutOfRangeException>(() => x[2, 0]);
        Assert.Contains("axis 0 of size 2", e.Message);
        Assert.Throws<IndexOutOfRangeException>(() => x[0]);
    }

    [Fact]
    public void ToStringShowsValuesShapeDtypeAndGrad()
    {
        var x = Tensor.FromArray(new float[] { 1, 2.5f, -3, 4 }, 2, 2);
        Assert.Equal("tensor([[  1, 2.5],\n        [ -3,   4]], shape=[2, 2], dtype=float32)", x.ToString());
        var y = Tensor.Scalar(2.0, DType.Float64).RequireGrad();
        Assert.Equal("tensor(2, shape=[], dtype=float64, requires_grad)", y.ToString());
        Assert.Contains("grad_fn=mul", (y * 2).ToString());
        var big = Tensor.Zeros(50, 50).ToString();
        Assert.Contains("...", big);
        Assert.True(big.Length < 2000);
        Assert.Contains("nan", Tensor.Full(double.NaN, 1).ToString());
    }

    [Fact]
    public void ToConvertsDtypesAndGradientsFlowBack()
    {
        var x = Tensor.From(DType.Float64, [1.5, -2]).RequireGrad();
        var y = x.To(DType.Float32);
        Assert.Equal(DType.Float32, y.DType);
        (y * 2).Sum().To(DType.Float64).Backward();
        Assert.Equal([2.0, 2.0], x.Grad!.ToDoubleArray());
        Assert.Same(x, x.To(DType.Float64));
    }

    [Fact]
    public void AsSpanChecksTheElementType()
    {
        var x = Tensor.Zeros(3);
        Assert.Equal(3, x.AsSpan<float>().Length);
        Assert.Throws<InvalidOperationException>(() => x.AsSpan<double>());
    }

    [Fact]
    public void ItemRequiresOneElement()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2).Item());
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void RequiresGradCannotBeSetOnNonLeaf()
    {
        var x = Tensor.Ones(2).RequireGrad();
        var y = x * 2;
        var e = Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Contains("leaf", e.Message);
    }

    [Fact]
    public void CreationRejectsBadArguments()
    {
        Assert.Throws<ShapeException>(() => Tensor.Zeros(2, -1));
        Assert.Throws<ShapeException>(() => Tensor.FromArray(new float[] { 1, 2, 3 }, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Arange(0, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Normal(new Generator(), 0, -1, DType.Float32, 2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.OneHot([0, 3], 3));
        Assert.Contains("label 3", e.Message);
    }
}
