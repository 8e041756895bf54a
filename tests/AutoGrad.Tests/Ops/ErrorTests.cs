namespace AutoGrad.Tests.Ops;

/// <summary>Bad input gets an error naming the op, the shapes or the argument, and changes nothing.</summary>
public class ErrorTests
{
    [Fact]
    public void MismatchedShapesNameOpBothShapesAndDimension()
    {
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(4, 3);
        var e = Assert.Throws<ShapeException>(() => a + b);
        Assert.Equal("add", e.Op);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 3]", e.Message);
        Assert.Contains("dimension 0", e.Message);
    }

    [Fact]
    public void MatmulInnerDimensionsAreNamed()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Matmul(Tensor.Zeros(2, 3), Tensor.Zeros(4, 5)));
        Assert.Equal("matmul: shapes [2, 3] and [4, 5] cannot be multiplied: inner dimensions differ (3 in dimension 1 of the first vs 4 in dimension 0 of the second)", e.Message);
        Assert.Throws<ShapeException>(() => Tensor.Matmul(Tensor.Zeros(2, 2, 3), Tensor.Zeros(3, 3, 4)));
        Assert.Throws<ShapeException>(() => Tensor.Matmul(Tensor.Scalar(1), Tensor.Zeros(3)));
    }

    [Fact]
    public void DtypeMixIsRefusedWithAHint()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(DType.Float32, 2) * Tensor.Zeros(DType.Float64, 2));
        Assert.Contains("mul: dtype mismatch: float32 [2] and float64 [2]", e.Message);
        Assert.Contains(".To(", e.Message);
    }

    [Fact]
    public void ReductionAxesAreValidated()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("axis 2 is out of range for a tensor of rank 2", Assert.Throws<ShapeException>(() => x.Sum(2)).Message);
        Assert.Contains("appears more than once", Assert.Throws<ShapeException>(() => x.Sum([1, -1])).Message);
        Assert.Contains("size 0", Assert.Throws<ShapeException>(() => Tensor.Zeros(0, 2).Max(0)).Message);
    }

    [Fact]
    public void ShapeOpsValidate()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("cannot reshape [2, 3] (6 elements) into [4, 2]", Assert.Throws<ShapeException>(() => x.Reshape([4, 2])).Message);
        Assert.Throws<ShapeException>(() => x.Reshape([-1, -1]));
        Assert.Throws<ShapeException>(() => x.Permute([0, 0]));
        Assert.Throws<ShapeException>(() => x.Expand([3, 3]));
        Assert.Contains("does not fit axis 1 of size 3", Assert.Throws<ShapeException>(() => x.Slice(1, 2, 2)).Message);
        Assert.Throws<ShapeException>(() => x.Squeeze(0));
        Assert.Contains("dimension 1 differs", Assert.Throws<ShapeException>(() => Tensor.Concat([x, Tensor.Zeros(2, 4)], 0)).Message);
        Assert.Throws<ShapeException>(() => Tensor.Stack([x, Tensor.Zeros(3, 2)]));
    }

    [Fact]
    public void IndexOpsValidate()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("index 3 at position 1 is out of range for axis 1 of size 3", Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, [0, 3])).Message);
        Assert.Contains("needs 2 indices", Assert.Throws<ShapeException>(() => x.Gather(1, [0, 1, 2])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, [2]));
    }

    [Fact]
    public void FailedOpLeavesInputsUnchanged()
    {
        var a = Tensor.From(DType.Float64, [1, 2, 3]).RequireGrad();
        Assert.Throws<ShapeException>(() => a + Tensor.Zeros(DType.Float64, 2));
        Assert.Equal([1.0, 2, 3], a.ToDoubleArray());
        Assert.Null(a.Grad);
        (a * 2).Sum().Backward();
        Assert.Equal([2.0, 2, 2], a.Grad!.ToDoubleArray());
    }
}
