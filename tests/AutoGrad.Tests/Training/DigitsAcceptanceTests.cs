using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Training;

/// <summary>
/// The toolkit end to end on the embedded digits with fixed seeds: softmax regression and an MLP
/// reach their stated held-out accuracies, and a checkpoint round-trips to identical predictions.
/// </summary>
public class DigitsAcceptanceTests
{
    private static (Dataset Train, Dataset Test) Split()
    {
        var gen = new Generator(42);
        var (train, test) = DataSplit.Holdout(EmbeddedDatasets.Digits(), 0.2, gen, stratified: true);
        var scaler = Standardizer.Fit(train);
        return (scaler.Transform(train), scaler.Transform(test));
    }

    private static double Train(Module model, Dataset train, Dataset test, int epochs, double lr, ulong seed)
    {
        var optimizer = new Adam(model, learningRate: lr);
        var batches = new DataLoader(train, batchSize: 32, new Generator(seed));
        for (int epoch = 0; epoch < epochs; epoch++)
            foreach (var (x, y) in batches)
            {
                optimizer.ZeroGrad();
                Loss.SoftmaxCrossEntropy(model.Forward(x), y).Backward();
                optimizer.Step();
            }
        return Accuracy(model, test);
    }

    private static double Accuracy(Module model, Dataset test)
    {
        model.Eval();
        using (Tape.NoGrad()) return Metrics.Accuracy(model.Forward(test.Features), test.Labels);
    }

    [Fact]
    public void SoftmaxRegressionReaches95Percent()
    {
        var (train, test) = Split();
        var model = new SoftmaxRegression(64, 10, new Generator(1));
        double accuracy = Train(model, train, test, epochs: 20, lr: 0.01, seed: 2);
        Assert.True(accuracy >= 0.95, $"softmax regression: {accuracy:P2}");
    }

    [Fact]
    public void MlpReaches97PercentAndItsCheckpointRoundTrips()
    {
        var (train, test) = Split();
        var model = Mlp.Create([64, 64, 10], Activation.ReLU, new Generator(1));
        double accuracy = Train(model, train, test, epochs: 20, lr: 0.005, seed: 2);
        Assert.True(accuracy >= 0.97, $"MLP: {accuracy:P2}");

        var path = Path.Combine(Path.GetTempPath(), $"autograd-digits-{Guid.NewGuid():N}.ckpt");
        try
        {
            Checkpoint.Save(path, model);
            var restored = Mlp.Create([64, 64, 10], Activation.ReLU, new Generator(99));
            Checkpoint.Load(path, restored);
            restored.Eval();
            using (Tape.NoGrad())
                Assert.Equal(model.Forward(test.Features).ToFloatArray(), restored.Forward(test.Features).ToFloatArray());
            Assert.Equal(accuracy, Accuracy(restored, test));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
