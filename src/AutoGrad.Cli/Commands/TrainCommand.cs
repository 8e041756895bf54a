using System.CommandLine;
using System.Globalization;
using AutoGrad.Autograd;
using AutoGrad.Data;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// <c>autograd train</c>: softmax regression written directly with tensor ops (logits = xW + b,
/// loss = −mean log softmax at the label), trained by minibatch SGD on an embedded data set.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var dataset = new Option<string>("--dataset") { Description = "Embedded data set: digits, iris, breast-cancer or wine", DefaultValueFactory = _ => "digits" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data", DefaultValueFactory = _ => 30 };
        var lr = new Option<double>("--lr") { Description = "Learning rate of SGD", DefaultValueFactory = _ => 0.1 };
        var batch = new Option<int>("--batch-size") { Description = "Minibatch size", DefaultValueFactory = _ => 32 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the split and the shuffling", DefaultValueFactory = _ => 0UL };
        var cmd = new Command("train", "Train a model on a data set and print its test accuracy") { dataset, epochs, lr, batch, seed };
        cmd.SetAction(r =>
        {
            string name = r.GetValue(dataset)!;
            if (!EmbeddedDatasets.Names.Contains(name))
                throw new UserError($"unknown data set '{name}'; expected one of: {string.Join(", ", EmbeddedDatasets.Names)}");
            int e = r.GetValue(epochs), b = r.GetValue(batch);
            double rate = r.GetValue(lr);
            if (e <= 0) throw new UserError($"--epochs must be > 0, got {e}");
            if (b <= 0) throw new UserError($"--batch-size must be > 0, got {b}");
            if (!(rate > 0)) throw new UserError($"--lr must be > 0, got {rate.ToString(CultureInfo.InvariantCulture)}");
            double acc = SoftmaxRegression(EmbeddedDatasets.Load(name), e, rate, b, r.GetValue(seed), output);
            output.WriteLine($"test accuracy: {(100 * acc).ToString("F2", CultureInfo.InvariantCulture)}%");
            return 0;
        });
        return cmd;
    }

    private static double SoftmaxRegression(Dataset data, int epochs, double lr, int batchSize, ulong seed, TextWriter output)
    {
        var rng = new Generator(seed);
        var order = rng.Permutation(data.Count);
        int nTest = data.Count / 5;
        var test = data.Subset(order.AsSpan(0, nTest));
        var train = data.Subset(order.AsSpan(nTest));

        // Standardize with the training statistics only.
        var mean = train.Features.Mean(0, keepDim: true);
        var std = (train.Features.Var([0], keepDim: true) + 1e-6).Sqrt();
        var xTrain = (train.Features - mean) / std;
        var xTest = (test.Features - mean) / std;

        int d = data.FeatureCount, k = data.ClassCount;
        var w = Tensor.Zeros(d, k).RequireGrad();
        var bias = Tensor.Zeros(k).RequireGrad();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var perm = rng.Permutation(train.Count);
            double total = 0;
            for (int start = 0; start < perm.Length; start += batchSize)
            {
                var rows = perm.AsSpan(start, Math.Min(batchSize, perm.Length - start));
                var x = xTrain.IndexSelect(0, rows);
                var y = new int[rows.Length];
                for (int i = 0; i < y.Length; i++) y[i] = train.Labels[rows[i]];
                var logits = Tensor.Matmul(x, w) + bias;
                var loss = -logits.LogSoftmax(1).Gather(1, y).Mean();
                w.ZeroGrad();
                bias.ZeroGrad();
                loss.Backward();
                using (Tape.NoGrad())
                {
                    w.CopyFrom(w - w.Grad! * lr);
                    bias.CopyFrom(bias - bias.Grad! * lr);
                }
                total += loss.Item() * rows.Length;
            }
            if (epoch == 1 || epoch % 10 == 0 || epoch == epochs)
                output.WriteLine($"epoch {epoch,3}: train loss {(total / train.Count).ToString("F4", CultureInfo.InvariantCulture)}");
        }
        using (Tape.NoGrad())
        {
            var predicted = (Tensor.Matmul(xTest, w) + bias).ArgMax(1);
            int correct = predicted.Where((p, i) => p == test.Labels[i]).Count();
            return (double)correct / test.Count;
        }
    }
}
