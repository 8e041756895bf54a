using AutoGrad.Cli.Training;
using AutoGrad.Data;

namespace AutoGrad.Cli.Tests.Training;

public class ModelSizeTests
{
    [Fact]
    public void ALayerLargerThanATensorIsRefusedNamingTheOption()
    {
        var e = Assert.Throws<UserError>(() => ModelSize.Check("--hidden 99999999", ModelSize.Dense([64, 99999999, 10]), new TrainOptions()));
        Assert.Equal("--hidden 99999999: the layer 64 → 99,999,999 would need 6,399,999,936 weights, more than one tensor can hold (2,147,483,591); use smaller sizes", e.Message);
    }

    [Fact]
    public void AModelLargerThanMemoryIsRefusedWithTheEstimate()
    {
        // 64·1000 + 1000 + 1000·10 + 10 = 75,010 parameters; Adam keeps 4 copies of 4 bytes: 1.2 MB.
        var o = new TrainOptions { Optimizer = "adam" };
        var e = Assert.Throws<UserError>(() => ModelSize.Check("--hidden 1000", ModelSize.Dense([64, 1000, 10]), o, availableBytes: 1_000_000));
        Assert.Equal("--hidden 1000: the model would have 75,010 parameters, about 0.0 GB for the weights, their gradients and the adam optimizer's state (4 copies), more than the 0.0 GB of memory available; use smaller sizes", e.Message);
        ModelSize.Check("--hidden 1000", ModelSize.Dense([64, 1000, 10]), o, availableBytes: 2_000_000);
    }

    [Theory]
    [InlineData("sgd", 0, null, 2)]
    [InlineData("momentum", 0, null, 3)]
    [InlineData("adam", 0, null, 4)]
    [InlineData("adam", 3, "m.ckpt", 6)]
    public void CopiesCountWhatTrainingKeeps(string optimizer, int earlyStopping, string? save, int copies) =>
        Assert.Equal(copies, ModelSize.Copies(new TrainOptions { Optimizer = optimizer, EarlyStopping = earlyStopping, Save = save }));

    [Fact]
    public void TheCnnAndRecurrentWeightsAreThoseTheModelsBuild()
    {
        // digits: 1×8×8; conv 32, 64 → 64×2×2 = 256 features; dense 256 → 128 → 10.
        var cnn = ModelSize.Cnn(new ImageShape(1, 8, 8), [32, 64], [128], 10).ToList();
        Assert.Equal([32L * 9, 32L * 64 * 9, 256L * 128, 128L * 10], cnn.Select(w => w.Elements));
        // lstm: 4 gates of 16 units on 1 input, then 16 → 16, read-out 16 → 1.
        var lstm = ModelSize.Recurrent("lstm", 1, 16, 1, 1).ToList();
        Assert.Equal([64L, 64L * 16, 16L], lstm.Select(w => w.Elements));
        Assert.Equal(1233L, lstm.Sum(w => w.Elements + w.Bias)); // with both bias vectors per gate, as PyTorch: the 1,233 parameters of docs/cli.md
    }
}
