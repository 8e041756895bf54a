using System.CommandLine;
using System.Globalization;
using AutoGrad.Cli.Output;
using AutoGrad.Cli.Training;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.Kernels;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// <c>autograd train</c>: trains one of the notes' models on a data set, reports loss and accuracy
/// per epoch (training and holdout), optionally plots the curves and saves a checkpoint, and ends
/// with the line <c>test accuracy: NN.NN%</c>.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output, bool interactive)
    {
        var defaults = new TrainOptions();
        var dataset = new Option<string>("--dataset") { Description = $"Data set: {string.Join(", ", DataSources.Names)}, or a path to a .csv file (features then an integer label per row)", DefaultValueFactory = _ => defaults.Dataset };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory with the IDX files of fashion-mnist or mnist (default: $AUTOGRAD_DATA, else /usr/share/datasets/fashion-mnist)" };
        var csvHeader = new Option<bool>("--csv-header") { Description = "The CSV file's first line is a header to skip" };
        var model = new Option<string>("--model") { Description = "Model: mlp, softmax (softmax regression), logistic (binary logistic regression), perceptron (binary)", DefaultValueFactory = _ => defaults.Model };
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer sizes of the mlp, comma separated", DefaultValueFactory = _ => string.Join(",", defaults.Hidden) };
        var activation = new Option<string>("--activation") { Description = "Hidden activation of the mlp: relu, sigmoid or tanh", DefaultValueFactory = _ => defaults.Activation };
        var dropout = new Option<double>("--dropout") { Description = "Inverted dropout probability on the mlp's hidden units, in [0, 1)", DefaultValueFactory = _ => defaults.Dropout };
        var l1 = new Option<double>("--l1") { Description = "L1 penalty λ·Σ|w| added to the loss (biases excluded)", DefaultValueFactory = _ => defaults.L1 };
        var l2 = new Option<double>("--l2") { Description = "L2 penalty (λ/2)·Σw² added to the loss (biases excluded)", DefaultValueFactory = _ => defaults.L2 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Decoupled weight decay of the optimizer (biases excluded)", DefaultValueFactory = _ => defaults.WeightDecay };
        var optimizer = new Option<string>("--optimizer") { Description = $"Optimizer: {string.Join(", ", AutoGrad.Optim.Optimizer.Kinds)}", DefaultValueFactory = _ => defaults.Optimizer };
        var lr = new Option<double>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule per epoch: none, step (halve every third of the epochs), exponential (decay to 1% at the end), cosine (anneal to 0)", DefaultValueFactory = _ => defaults.Schedule };
        var batch = new Option<int>("--batch-size") { Description = "Minibatch size", DefaultValueFactory = _ => defaults.BatchSize };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data", DefaultValueFactory = _ => defaults.Epochs };
        var holdout = new Option<double>("--holdout") { Description = "Fraction of the training data held out to report holdout loss and accuracy each epoch (0 = none)", DefaultValueFactory = _ => defaults.Holdout };
        var early = new Option<int>("--early-stopping") { Description = "Stop when the holdout loss has not improved for this many epochs, and restore the best weights (0 = off)", DefaultValueFactory = _ => defaults.EarlyStopping };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice (split, initialization, shuffling, dropout)", DefaultValueFactory = _ => defaults.Seed };
        var threads = new Option<int>("--threads") { Description = "Threads for the matrix multiply (results do not depend on it)", DefaultValueFactory = _ => defaults.Threads };
        var save = new Option<string?>("--save") { Description = "Write a checkpoint of the trained model to this file (read it with 'evaluate --load')" };
        var plot = new Option<string?>("--plot") { Description = "Write the loss and accuracy curves to this .svg file" };
        var eagerSteps = new Option<bool>("--eager-steps") { Description = "Run every training step eagerly instead of replaying the step captured on the first full batch (same results, more allocation)" };
        var cmd = new Command("train", "Train a model and print its test accuracy")
        {
            dataset, dataDir, csvHeader, model, hidden, activation, dropout, l1, l2, weightDecay, optimizer, lr, schedule, batch, epochs, holdout, early, seed, threads, save, plot, eagerSteps,
        };
        cmd.SetAction(r =>
        {
            var o = new TrainOptions
            {
                Dataset = r.GetValue(dataset)!,
                DataDir = r.GetValue(dataDir),
                CsvHeader = r.GetValue(csvHeader),
                Model = r.GetValue(model)!,
                Hidden = ParseSizes(r.GetValue(hidden)!),
                Activation = r.GetValue(activation)!,
                Dropout = r.GetValue(dropout),
                L1 = r.GetValue(l1),
                L2 = r.GetValue(l2),
                WeightDecay = r.GetValue(weightDecay),
                Optimizer = r.GetValue(optimizer)!,
                EagerSteps = r.GetValue(eagerSteps),
                LearningRate = r.GetValue(lr),
                Schedule = r.GetValue(schedule)!,
                BatchSize = r.GetValue(batch),
                Epochs = r.GetValue(epochs),
                Holdout = r.GetValue(holdout),
                EarlyStopping = r.GetValue(early),
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
                Save = r.GetValue(save),
                Plot = r.GetValue(plot),
            }.Validated();
            Run(o, output, interactive);
            return 0;
        });
        return cmd;
    }

    private static int[] ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
                throw new UserError($"--hidden takes positive integers separated by commas (e.g. 256,128), got '{text}'");
        if (sizes.Length == 0) throw new UserError($"--hidden needs at least one layer size (e.g. 128), got '{text}'");
        return sizes;
    }

    public static double Run(TrainOptions o, TextWriter output, bool interactive)
    {
        Threading.Threads = o.Threads;
        var rng = new Generator(o.Seed);
        var (trainAll, test) = DataSources.Load(o.Dataset, o.DataDir, o.CsvHeader, o.TestFraction, o.Seed);
        Dataset train = trainAll, holdoutSet;
        Dataset? holdout = null;
        if (o.Holdout > 0)
        {
            (train, holdoutSet) = DataSplit.Holdout(trainAll, o.Holdout, rng.Fork(), stratified: true);
            holdout = holdoutSet;
        }
        var standardizer = Standardizer.Fit(train);
        train = standardizer.Transform(train);
        if (holdout is not null) holdout = standardizer.Transform(holdout);
        var testStd = standardizer.Transform(test);

        var model = Classifier.Create(o.Model, train.FeatureCount, trainAll.ClassCount, o.Hidden, o.Activation, o.Dropout, rng.Fork());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{o.Dataset}: {train.Count} training, {holdout?.Count ?? 0} holdout, {test.Count} test rows, {train.FeatureCount} features, {trainAll.ClassCount} classes; model {o.Model} [{string.Join(", ", model.Sizes)}] ({model.Network.ParameterCount()} parameters), optimizer {o.Optimizer} lr {o.LearningRate}"));
        IEpochReporter reporter = interactive ? new ProgressBarReporter() : new PlainReporter(output);
        var history = Trainer.Run(model, train, holdout, o, rng, reporter);

        if (o.Plot is not null)
        {
            SvgPlot.Write(o.Plot, history, $"{o.Model} on {Path.GetFileName(o.Dataset)}");
            output.WriteLine($"wrote the loss and accuracy curves to {o.Plot}");
        }
        if (o.Save is not null)
        {
            try
            {
                Checkpoint.Save(o.Save, model.Network, metadata: model.Metadata(o.Dataset, o.Seed, o.TestFraction, standardizer, trainAll.ClassNames));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserError($"cannot write the checkpoint '{o.Save}': {e.Message}");
            }
            output.WriteLine($"saved the model to {o.Save}");
        }
        var (_, accuracy) = Trainer.Evaluate(model, testStd);
        output.WriteLine($"test accuracy: {(100 * accuracy).ToString("F2", CultureInfo.InvariantCulture)}%");
        return accuracy;
    }
}
