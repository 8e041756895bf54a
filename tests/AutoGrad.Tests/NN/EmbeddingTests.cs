using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>Embedding as <c>torch.nn.Embedding</c>: a row lookup equal to one-hot·W, gradients summed per row, the padding row, and the errors.</summary>
public class EmbeddingTests
{
    [Fact]
    public void ALookupIsOneHotTimesTheTableAndRepeatedRowsSumTheirGradients()
    {
        var emb = new Embedding(5, 3, new Generator(1), dtype: DType.Float64);
        int[] idx = [4, 1, 4, 0, 2, 4];
        var y = emb.Forward(idx, 2, 3);
        Assert.Equal([2, 3, 3], y.Shape.ToArray());
        var oneHot = Tensor.OneHot(idx, 5, DType.Float64);
        Assert.Equal(Tensor.Matmul(oneHot, emb.Weight.Detach()).ToDoubleArray(), y.Reshape([6, 3]).ToDoubleArray());
        var g = Tensor.Normal(new Generator(2), 0, 1, DType.Float64, 2, 3, 3);
        (y * g).Sum().Backward();
        var gw = emb.Weight.Grad!.ToDoubleArray();
        var gs = g.ToDoubleArray();
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(gs[0 * 3 + j] + gs[2 * 3 + j] + gs[5 * 3 + j], gw[4 * 3 + j], 12);
            Assert.Equal(0, gw[3 * 3 + j]); // row 3 is never looked up
        }
        Assert.Equal(y.ToDoubleArray(), emb.Forward(Tensor.From(DType.Float32, [4, 1, 4, 0, 2, 4], 2, 3)).ToDoubleArray());
    }

    [Fact]
    public void ThePaddingRowStartsAtZeroAndGetsNoGradient()
    {
        var emb = new Embedding(4, 2, new Generator(3), paddingIndex: 1);
        Assert.Equal([0f, 0f], emb.Weight.ToFloatArray()[2..4]);
        var y = emb.Forward([1, 2, 1, 3], 4);
        (y * y + y).Sum().Backward();
        var gw = emb.Weight.Grad!.ToFloatArray();
        Assert.Equal([0f, 0f], gw[2..4]);
        Assert.NotEqual(0f, gw[4]);
        Assert.Equal("Embedding(4, 2, paddingIndex=1)", emb.ToString());
    }

    [Fact]
    public void BadIndicesAreRefused()
    {
        var emb = new Embedding(4, 2, new Generator(3));
        Assert.StartsWith("Embedding: index 4 at position 1 is outside the table of 4 rows (valid: 0..3)",
            Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward([0, 4], 2)).Message);
        Assert.StartsWith("Embedding: element 0 of the input is 1.5, not a whole number",
            Assert.Throws<ArgumentException>(() => emb.Forward(Tensor.From(DType.Float32, [1.5, 2], 2))).Message);
        Assert.StartsWith("Embedding: index 1000000000000 at position 1 is outside the table of 4 rows",
            Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(Tensor.From(DType.Float64, [1, 1e12], 2))).Message);
        Assert.StartsWith("Embedding: shape [3] holds 3 elements but the data has 2",
            Assert.Throws<ShapeException>(() => emb.Forward([0, 1], 3)).Message);
        Assert.StartsWith("Embedding: paddingIndex 4 is outside the table of 4 rows",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(4, 2, new Generator(1), paddingIndex: 4)).Message);
        Assert.StartsWith("embedding: index -1 at position 0 is out of range",
            Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(3, 2).Embedding([-1])).Message);
    }
}
