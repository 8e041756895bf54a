using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class DatasetTests
{
    [Fact]
    public void FromArraysBuildsTheFeatureMatrix()
    {
        var a = Dataset.FromArrays(new double[,] { { 1, 2 }, { 3, 4 } }, [1, 0]);
        Assert.Equal(DType.Float32, a.Features.DType);
        Assert.Equal([1f, 2f, 3f, 4f], a.Features.ToFloatArray());
        var b = Dataset.FromArrays(new[] { new float[] { 1, 2 }, new float[] { 3, 4 } }, [1, 0], classCount: 3);
        Assert.Equal(3, b.ClassCount);
        Assert.Equal(a.Features.ToFloatArray(), b.Features.ToFloatArray());
    }

    [Fact]
    public void MismatchedRowsAndLabelsAreRefused()
    {
        Assert.Contains("2 feature rows but 3 labels", Assert.Throws<ArgumentException>(() => Dataset.FromArrays(new float[,] { { 1 }, { 2 } }, [0, 1, 0])).Message);
        Assert.Contains("row 1 has 1 features but row 0 has 2", Assert.Throws<ArgumentException>(() => Dataset.FromArrays(new[] { new float[] { 1, 2 }, new float[] { 3 } }, [0, 1])).Message);
    }

    [Fact]
    public void EmptyDataSetsAreRefusedNamingTheArgumentAndShape()
    {
        var rows = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(0, 3), []));
        Assert.Equal("features", rows.ParamName);
        Assert.StartsWith("Dataset: features has shape [0, 3], no rows; a data set needs at least one example", rows.Message);
        var columns = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(2, 0), [0, 1]));
        Assert.StartsWith("Dataset: features has shape [2, 0], no feature columns; each example needs at least one feature", columns.Message);
        Assert.Throws<ArgumentException>(() => Dataset.FromArrays(new float[0, 2], []));
    }
}
