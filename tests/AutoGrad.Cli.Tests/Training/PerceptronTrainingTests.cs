using AutoGrad.Cli.Output;
using AutoGrad.Cli.Training;
using AutoGrad.Data;
using AutoGrad.NN;

namespace AutoGrad.Cli.Tests.Training;

/// <summary>
/// <c>--model perceptron</c> is note 000's perceptron: w = 0 at the start, the dummy feature,
/// sgn(0) = −1, and w ← w + ((y − ŷ)/2)·x one example at a time (one-vs-rest for more classes).
/// The CLI's weights are compared with that rule applied by hand, in float64, on the same order.
/// </summary>
public class PerceptronTrainingTests
{
    private static Dataset Blobs(int classes, int rows, ulong seed)
    {
        var g = new Generator(seed);
        var x = Tensor.Normal(g, 0, 1, DType.Float32, rows, 3).ToFloatArray();
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = i % classes;
            x[3 * i + labels[i] % 3] += 2.5f; // overlapping clusters: the rule keeps making mistakes
        }
        return new Dataset(Tensor.FromArray(x, rows, 3), labels);
    }

    private static double[,] ByTheRule(Dataset data, int outputs, int epochs, ulong seed)
    {
        // The same visiting order as the CLI: a DataLoader of batch 1 on the first fork of the seed's generator.
        var loader = new DataLoader(data, 1, new Generator(seed).Fork());
        int d = data.FeatureCount;
        var w = new double[d + 1, outputs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            int updates = 0;
            foreach (var (xb, yb) in loader)
            {
                var x = new double[d + 1];
                x[0] = 1; // the dummy feature
                var f = xb.ToFloatArray();
                for (int j = 0; j < d; j++) x[j + 1] = f[j];
                for (int k = 0; k < outputs; k++)
                {
                    double y = outputs == 1 ? (yb[0] == 1 ? 1 : -1) : (yb[0] == k ? 1 : -1);
                    double s = 0;
                    for (int j = 0; j <= d; j++) s += w[j, k] * x[j];
                    double predicted = s > 0 ? 1 : -1; // sgn(0) = −1
                    if (predicted != y) updates++;
                    for (int j = 0; j <= d; j++) w[j, k] += (y - predicted) / 2 * x[j];
                }
            }
            if (updates == 0) break;
        }
        return w;
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 4)]
    public void TheCliTrainsExactlyTheNotesRule(int classes, int outputs)
    {
        var data = Blobs(classes, 60, 3);
        const ulong seed = 7;
        var options = new TrainOptions { Model = "perceptron", Epochs = 5, Holdout = 0 };
        var model = Classifier.Create("perceptron", data.FeatureCount, data.ClassCount, [1], "relu", 0, new Generator(1));
        Assert.All(model.Network.Parameters().Single().ToFloatArray(), v => Assert.Equal(0f, v)); // w starts at 0
        Trainer.Run(model, data, null, options, new Generator(seed), new PlainReporter(TextWriter.Null));

        var expected = ByTheRule(data, outputs, 5, seed);
        var weight = model.Network.Parameters().Single();
        var actual = weight.ToFloatArray();
        Assert.Equal((data.FeatureCount + 1) * outputs, actual.Length);
        for (int j = 0; j <= data.FeatureCount; j++)
            for (int k = 0; k < outputs; k++)
                Assert.Equal(expected[j, k], actual[j * outputs + k], 4);
        Assert.IsType(outputs == 1 ? typeof(Perceptron) : typeof(OneVsRestPerceptron), model.Network);
    }

    [Fact]
    public void TrainingStopsOnceAnEpochMakesNoMistake()
    {
        // AND with labels 0/1, repeated: linearly separable, so the rule converges.
        var x = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var data = new Dataset(x, [0, 0, 0, 1, 0, 0, 0, 1]);
        var model = Classifier.Create("perceptron", 2, 2, [1], "relu", 0, new Generator(1));
        var log = new StringWriter();
        var (history, optimizer, _) = Trainer.Run(model, data, null, new TrainOptions { Model = "perceptron", Epochs = 100 }, new Generator(2), new PlainReporter(log));
        Assert.True(history.Count < 100);
        Assert.Equal(1.0, history[^1].TrainAccuracy);
        Assert.Contains($"the perceptron converged in epoch {history.Count}: no training row needed an update", log.ToString());
        Assert.Equal("sgd", optimizer.Kind);
        Assert.Equal(1.0, optimizer.LearningRate);
        Assert.Equal(data.Labels, model.Predict(model.Scores(x)));
    }
}
