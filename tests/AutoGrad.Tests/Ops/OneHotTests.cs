namespace AutoGrad.Tests.Ops;

/// <summary>
/// <see cref="Tensor.OneHot"/> makes a constant (labels are integers, so there is nothing to
/// gradcheck): its values, shape, dtype, and the errors for labels outside [0, classes).
/// </summary>
public class OneHotTests
{
    [Fact]
    public void RowIHasAOneAtColumnLabelsI()
    {
        var t = Tensor.OneHot([2, 0, 1, 2], 3);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([4, 3], t.Shape.ToArray());
        Assert.Equal([0.0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], t.ToDoubleArray());
        Assert.False(t.RequiresGrad);
        Assert.Null(t.GradFn);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EveryRowSumsToOneAndArgMaxGivesTheLabelsBack(DType dtype)
    {
        var rng = new Generator(7);
        var labels = Enumerable.Range(0, 50).Select(_ => rng.NextInt(10)).ToArray();
        var t = Tensor.OneHot(labels, 10, dtype);
        Assert.Equal(dtype, t.DType);
        Assert.All(t.Sum(1).ToDoubleArray(), s => Assert.Equal(1.0, s));
        Assert.Equal(labels, t.ArgMax(1));
    }

    [Fact]
    public void NoLabelsGiveAnEmptyMatrix()
    {
        var t = Tensor.OneHot([], 4);
        Assert.Equal([0, 4], t.Shape.ToArray());
    }

    [Fact]
    public void OneClassIsAllOnes()
    {
        Assert.Equal([1.0, 1, 1], Tensor.OneHot([0, 0, 0], 1).ToDoubleArray());
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(7, 0)]
    [InlineData(-1, 2)]
    [InlineData(int.MinValue, 0)]
    public void ALabelOutsideTheClassesIsRefusedWithItsValueAndPosition(int bad, int position)
    {
        var labels = new[] { 0, 1, 2 };
        labels[position] = bad;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.OneHot(labels, 3));
        Assert.Equal("labels", e.ParamName);
        Assert.Equal(bad, e.ActualValue);
        Assert.StartsWith($"OneHot: label {bad} at position {position} is outside [0, 3)", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void ClassesMustBePositive(int classes)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.OneHot([0], classes));
        Assert.Equal("classes", e.ParamName);
        Assert.StartsWith($"OneHot: classes must be > 0, got {classes}", e.Message);
    }
}
