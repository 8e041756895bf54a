using System.CommandLine;
using System.Globalization;
using AutoGrad.Cli.Output;
using AutoGrad.Cli.Training;
using AutoGrad.Data;
using AutoGrad.Debugging;
using AutoGrad.IO;
using AutoGrad.Kernels;
using AutoGrad.Training;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// <c>autograd train</c>: trains one of the notes' models on a data set, reports loss and accuracy
/// per epoch (training and holdout), optionally plots the curves and saves a checkpoint, and ends
/// with the line <c>test accuracy: NN.NN%</c>. The recurrent models (rnn, lstm, gru) train on
/// sequence data sets instead (<see cref="SequenceTraining"/>) and end with the test ARV of a
/// series or the held-out bits per character of a text.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output, bool interactive)
    {
        var defaults = new TrainOptions();
        var dataset = new Option<string>("--dataset") { Description = $"Data set: {string.Join(", ", DataSources.Names)}, or a path to a .csv file (numeric features, then a label 0, 1, 2, ... per row); for --model rnn, lstm and gru: {SequenceSources.Describe()}", DefaultValueFactory = _ => defaults.Dataset };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Directory with the IDX files of fashion-mnist or mnist (only for those) [default: ${MnistFormat.EnvironmentVariable}, else {MnistFormat.DefaultDirectory} for fashion-mnist and {MnistFormat.DefaultMnistDirectory} for mnist]" };
        var csvHeader = new Option<bool>("--csv-header") { Description = "The CSV file's first line is a header to skip (only for a .csv --dataset) [default: off]" };
        var model = new Option<string>("--model") { Description = "Model: mlp, cnn (convolutional network; images: digits, fashion-mnist, mnist), softmax (softmax regression), logistic (binary logistic regression), perceptron (the notes' perceptron rule; one-vs-rest for more than 2 classes), rnn, lstm, gru (recurrent networks; sequence data sets: one-step-ahead forecasts of a time series, or a character-level language model of a text)", DefaultValueFactory = _ => defaults.Model };
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer sizes of the mlp, or of the cnn's dense head after flattening, comma separated; one size for rnn, lstm and gru (units per layer; see --layers) (only for --model mlp, cnn, rnn, lstm and gru)", DefaultValueFactory = _ => string.Join(",", defaults.Hidden) };
        var conv = new Option<string>("--conv") { Description = "Output channels of the cnn's blocks, comma separated: each block is conv 3x3 (padding 1), [batch norm], ReLU, max-pool 2 (only for --model cnn)", DefaultValueFactory = _ => string.Join(",", defaults.Conv) };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "Batch norm after each of the cnn's convolutions (only for --model cnn) [default: off]" };
        var augment = new Option<string>("--augment") { Description = "Augment the cnn's training batches, comma separated: shift (up to 2 pixels on 28x28 images, 1 on the 8x8 digits), flip (left-right, half the images), noise (Gaussian, 5% of the pixel range), or none (only for --model cnn)", DefaultValueFactory = _ => "none" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation of the mlp: relu, sigmoid or tanh (only for --model mlp)", DefaultValueFactory = _ => defaults.Activation };
        var dropout = OptionFactory.Double("--dropout", "Inverted dropout probability on the hidden units of the mlp or the cnn's dense head, or on the outputs of every recurrent layer (rnn, lstm, gru), in [0, 1) (only for --model mlp, cnn, rnn, lstm and gru)", defaults.Dropout);
        var l1 = OptionFactory.Double("--l1", "L1 penalty λ·Σ|w| added to the loss (biases excluded); not for the perceptron", defaults.L1);
        var l2 = OptionFactory.Double("--l2", "L2 penalty (λ/2)·Σw² added to the loss (biases excluded); not for the perceptron", defaults.L2);
        var weightDecay = OptionFactory.Double("--weight-decay", "Decoupled weight decay of the optimizer (biases excluded); not for the perceptron", defaults.WeightDecay);
        var optimizer = new Option<string>("--optimizer") { Description = $"Optimizer: {string.Join(", ", AutoGrad.Optim.Optimizer.Kinds)} (not for the perceptron, which uses its rule)", DefaultValueFactory = _ => defaults.Optimizer };
        var lr = OptionFactory.Double("--lr", "Learning rate (not for the perceptron: its rule is SGD with learning rate 1)", defaults.LearningRate);
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule per epoch: none, step (halve every third of the epochs), exponential (decay to 1% at the end), cosine (anneal to 0); not for the perceptron", DefaultValueFactory = _ => defaults.Schedule };
        var batch = OptionFactory.Int("--batch-size", "Minibatch size; on text, the number of parallel streams of truncated BPTT (not for the perceptron: one example at a time)", defaults.BatchSize);
        var epochs = OptionFactory.Int("--epochs", "Passes over the training data (the perceptron stops earlier once an epoch makes no mistake)", defaults.Epochs);
        var holdout = OptionFactory.Double("--holdout", "Fraction of the training data held out to report holdout loss and accuracy each epoch (0 = none); both parts need at least one row per class. On a time series the latest training windows, default 0; on text the training text's end", defaults.Holdout);
        var early = OptionFactory.Int("--early-stopping", "Stop when the holdout loss has not improved for this many epochs, and restore the best weights (0 = off)", defaults.EarlyStopping);
        var seed = OptionFactory.ULong("--seed", "Seed of every random choice (test split, holdout split, initialization, shuffling, dropout)", defaults.Seed);
        var threads = OptionFactory.Int("--threads", "Threads for the matrix multiply (results do not depend on it)", defaults.Threads);
        var layers = OptionFactory.Int("--layers", "Stacked recurrent layers (only for --model rnn, lstm and gru)", defaults.Layers);
        var window = new Option<int?>("--window")
        {
            Description = $"Past values per input of a time series, the sequence length of the recurrent model (only for --model rnn, lstm and gru on {string.Join(", ", SequenceSources.Series.Select(s => s.Name))}) [default: {string.Join(", ", SequenceSources.Series.Select(s => $"{s.DefaultWindow} for {s.Name}"))}]",
            CustomParser = r => int.TryParse(r.Tokens.Count > 0 ? r.Tokens[^1].Value : "", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : Fail(r),
        };
        static int? Fail(System.CommandLine.Parsing.ArgumentResult r)
        {
            r.AddError($"--window takes a whole number, got '{(r.Tokens.Count > 0 ? r.Tokens[^1].Value : "")}'");
            return null;
        }
        var bptt = OptionFactory.Int("--bptt", "Time steps per batch of truncated backpropagation through time on text, the state carried (detached) from batch to batch (only for --model rnn, lstm and gru on text)", defaults.Bptt);
        var clip = OptionFactory.Double("--clip", "Clip the gradients of a recurrent model to this global L2 norm before each step (0 = off) (only for --model rnn, lstm and gru)", defaults.Clip);
        var save = new Option<string?>("--save") { Description = "Write a checkpoint of the trained model and its optimizer state to this file (read it with 'evaluate --load') [default: none]" };
        var plot = new Option<string?>("--plot") { Description = "Write the loss and accuracy curves to this .svg file [default: none]" };
        var eagerSteps = new Option<bool>("--eager-steps") { Description = "Run every training step eagerly instead of replaying the step captured on the first full batch (same results, more allocation) [default: off]" };
        var detectAnomaly = new Option<bool>("--detect-anomaly") { Description = "Run every step eagerly in anomaly mode: the first op whose output or gradient is NaN or infinite stops training, named with the input that caused it (slower; to find where a diverging run's first non-finite value comes from) [default: off]" };
        var cmd = new Command("train", "Train a model and print its test accuracy. The embedded data sets and CSV files hold out a fixed, stratified 20% of the rows as the test set (the same rows for the same --seed, so 'evaluate' scores what training never saw); fashion-mnist and mnist use their official test files.")
        {
            dataset, dataDir, csvHeader, model, hidden, activation, dropout, conv, batchNorm, augment, layers, window, bptt, clip, l1, l2, weightDecay, optimizer, lr, schedule, batch, epochs, holdout, early, seed, threads, save, plot, eagerSteps, detectAnomaly,
        };
        cmd.SetAction(r =>
        {
            var o = new TrainOptions
            {
                Dataset = r.GetValue(dataset)!,
                DataDir = r.GetValue(dataDir),
                CsvHeader = r.GetValue(csvHeader),
                Model = r.GetValue(model)!,
                Hidden = ParseSizes("--hidden", r.GetValue(hidden)!, "256,128"),
                Activation = r.GetValue(activation)!,
                Dropout = r.GetValue(dropout),
                Conv = ParseSizes("--conv", r.GetValue(conv)!, "32,64"),
                BatchNorm = r.GetValue(batchNorm),
                Layers = r.GetValue(layers),
                Window = r.GetValue(window),
                Bptt = r.GetValue(bptt),
                Clip = r.GetValue(clip),
                Augment = r.GetValue(augment)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(a => a != "none").ToArray(),
                L1 = r.GetValue(l1),
                L2 = r.GetValue(l2),
                WeightDecay = r.GetValue(weightDecay),
                Optimizer = r.GetValue(optimizer)!,
                EagerSteps = r.GetValue(eagerSteps),
                DetectAnomaly = r.GetValue(detectAnomaly),
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
                Explicit = cmd.Options.Where(opt => r.GetResult(opt) is { Implicit: false }).Select(opt => opt.Name).ToHashSet(),
            }.Validated();
            Run(o, output, interactive);
            return 0;
        });
        return cmd;
    }

    /// <summary>Sizes separated by commas ("256,128"): every entry a positive integer, none empty.</summary>
    /// <exception cref="UserError">An entry is empty, not a positive integer, or too large for an int.</exception>
    public static int[] ParseSizes(string option, string text, string example)
    {
        if (text.Trim().Length == 0) throw new UserError($"{option} needs at least one size (e.g. {example}), got '{text}'");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        string expected = $"{option} takes positive integers separated by commas (e.g. {example}), got '{text}'";
        for (int i = 0; i < parts.Length; i++)
        {
            string entry = parts[i];
            if (entry.Length == 0)
                throw new UserError($"{expected}: {Ordinal(i + 1, parts.Length)} size is empty");
            if (!int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]))
                throw new UserError(entry.All(char.IsAsciiDigit) ? string.Create(CultureInfo.InvariantCulture, $"{expected}: {entry} is too large (at most {int.MaxValue:N0})") : expected);
            if (sizes[i] <= 0) throw new UserError(expected);
        }
        return sizes;
    }

    private static string Ordinal(int n, int count) => count == 1 ? "the" : "the " + (n switch { 1 => "first", 2 => "second", 3 => "third", _ => n.ToString(CultureInfo.InvariantCulture) + "th" });

    /// <summary>Trains as the options say and prints the results; returns the test accuracy (or a recurrent model's figure).</summary>
    /// <exception cref="UserError">Bad input, or training diverged (exit code <see cref="UserError.Diverged"/>).</exception>
    /// <exception cref="TrainingInterrupted">SIGINT or SIGTERM stopped training.</exception>
    public static double Run(TrainOptions o, TextWriter output, bool interactive)
    {
        try
        {
            using var anomaly = o.DetectAnomaly ? Anomaly.Detect() : null;
            return o.IsRecurrent ? SequenceTraining.Run(o, output, interactive) : RunClassifier(o, output, interactive);
        }
        catch (DivergenceException e)
        {
            throw new UserError(Diverged(e, o), UserError.Diverged);
        }
        catch (AnomalyException e)
        {
            throw new UserError(Anomalous(e, o), UserError.Diverged);
        }
        catch (OutOfMemoryException)
        {
            string sizes = o.IsRecurrent ? $"--hidden {o.Hidden[0]} --layers {o.Layers}" : o.Model == "cnn" ? $"--conv {string.Join(",", o.Conv)} --hidden {string.Join(",", o.Hidden)}" : $"--hidden {string.Join(",", o.Hidden)}";
            throw new UserError($"out of memory training --model {o.Model} with {sizes} and --batch-size {o.BatchSize}: use smaller sizes or a smaller batch");
        }
    }

    /// <summary>
    /// What anomaly mode found, for a command-line user: its report (the op, the pass, the values,
    /// whether its inputs were finite) without the library's advice to C# callers, then what to try.
    /// </summary>
    /// <remarks>Only the message is read: the exception's node belonged to a step scope that has ended.</remarks>
    public static string Anomalous(AnomalyException e, TrainOptions o)
    {
        string report = Cli.OneLine(e);
        foreach (var advice in (string[])[" Ops written as operators", " If the value is discarded"])
            if (report.IndexOf(advice, StringComparison.Ordinal) is > 0 and int i) report = report[..i];
        string hint = o.Model == "perceptron" ? "" : string.Create(CultureInfo.InvariantCulture, $" Lower --lr (it is {o.LearningRate}).");
        return $"--detect-anomaly: {report.TrimEnd()}{hint}{(o.Save is null ? "" : $" Nothing was saved to {o.Save}.")}";
    }

    /// <summary>
    /// The message of a diverged run: where, what, the last finite loss, and what to try (a smaller
    /// --lr, --clip for the recurrent models, --detect-anomaly); and that nothing was saved.
    /// </summary>
    public static string Diverged(DivergenceException e, TrainOptions o)
    {
        var c = CultureInfo.InvariantCulture;
        var hints = new List<string>();
        if (o.Model == "perceptron")
            hints.Add("the perceptron's rule only diverges on non-finite or enormous features: check the data");
        else
        {
            hints.Add(string.Create(c, $"lower --lr (it is {o.LearningRate})"));
            if (o.IsRecurrent) hints.Add(o.Clip > 0 ? string.Create(c, $"lower --clip (it is {o.Clip})") : "clip the gradients with --clip");
            if (!o.DetectAnomaly) hints.Add("rerun with --detect-anomaly to find the op that first produced a non-finite value");
        }
        string tryThis = hints.Count == 1 ? hints[0] : string.Join(", ", hints.Take(hints.Count - 1)) + " or " + hints[^1];
        string saved = o.Save is null ? "" : $"; nothing was saved to {o.Save}";
        return $"training diverged in {DivergenceException.Where(e.Epoch, e.Step)}: {e.Finding}; {tryThis}{saved}";
    }

    /// <summary>
    /// Ends a run a signal stopped: saves the last completed epoch's model with <paramref name="save"/>
    /// (if --save was given and an epoch completed) and returns the exception that reports it.
    /// </summary>
    public static TrainingInterrupted Interrupted(InterruptedRun stop, TrainOptions o, string optimizerKind, Action save)
    {
        var c = CultureInfo.InvariantCulture;
        string where = stop.MidEpoch
            ? string.Create(c, $"in epoch {stop.Epoch} after step {stop.Step} of {stop.Steps} (the rest of that epoch was not run, and its steps were discarded)")
            : string.Create(c, $"after epoch {stop.Epoch}");
        string saved;
        if (o.Save is null) saved = "nothing was saved (no --save)";
        else if (stop.KeptEpoch == 0) saved = $"no epoch was completed, so nothing was saved to {o.Save}";
        else
        {
            save();
            saved = string.Create(c, $"saved the model of epoch {stop.KeptEpoch}, the last completed one{(o.EarlyStopping > 0 ? " (with early stopping's best weights)" : "")}, and its {optimizerKind} optimizer state to {o.Save}");
        }
        return new TrainingInterrupted($"interrupted by {stop.Signal} {where}; {saved}", stop.ExitCode);
    }

    /// <summary>Refuses an mlp or cnn too large to build, naming --hidden (and --conv) rather than the tensor that could not be allocated.</summary>
    private static void CheckSize(TrainOptions o, int features, int classes, ConvSpec? conv)
    {
        if (o.Model == "perceptron") return;
        int outputs = o.Model == "logistic" ? 1 : classes;
        string hidden = $"--hidden {string.Join(",", o.Hidden)}";
        if (conv is not null)
            ModelSize.Check($"--conv {string.Join(",", o.Conv)} {hidden}", ModelSize.Cnn(conv.Image, o.Conv, o.Hidden, classes), o);
        else if (o.Model == "mlp")
            ModelSize.Check(hidden, ModelSize.Dense([features, .. o.Hidden, outputs]), o);
    }

    private static double RunClassifier(TrainOptions o, TextWriter output, bool interactive)
    {
        Threading.Threads = o.Threads;
        var rng = new Generator(o.Seed);
        var (trainAll, test, source) = DataSources.Load(o.Dataset, o.DataDir, o.CsvHeader, o.TestFraction, o.Seed);
        Dataset train = trainAll, holdoutSet;
        Dataset? holdout = null;
        if (o.Holdout > 0)
        {
            (train, holdoutSet) = DataSplit.Holdout(trainAll, o.Holdout, rng.Fork(), stratified: true);
            holdout = holdoutSet;
            int k = trainAll.ClassCount;
            string f = o.Holdout.ToString(CultureInfo.InvariantCulture);
            if (train.Count < k)
                throw new UserError($"--holdout {f} leaves {train.Count} of the {trainAll.Count} training rows for training; the training and holdout parts each need at least one row per class ({k} classes): use a smaller --holdout");
            if (holdout.Count < k)
                throw new UserError($"--holdout {f} holds out {holdout.Count} of the {trainAll.Count} training rows; the training and holdout parts each need at least one row per class ({k} classes): use a larger --holdout, or 0 for none");
        }
        // A cnn reads raw pixels: per-pixel standardization would give every position its own
        // scale, which shifted or flipped images no longer match (and batch norm rescales anyway).
        var standardizer = o.Model == "cnn"
            ? Standardizer.FromStatistics(new float[train.FeatureCount], Enumerable.Repeat(1f, train.FeatureCount).ToArray())
            : Standardizer.Fit(train);
        train = standardizer.Transform(train);
        if (holdout is not null) holdout = standardizer.Transform(holdout);
        var testStd = standardizer.Transform(test);

        ConvSpec? convSpec = null;
        if (o.Model == "cnn")
            convSpec = new ConvSpec(train.ImageShape ?? throw new UserError($"--model cnn needs images; {o.Dataset} has rows of {train.FeatureCount} features without an image shape: use --dataset digits, fashion-mnist or mnist"),
                o.Conv, o.BatchNorm);
        CheckSize(o, train.FeatureCount, trainAll.ClassCount, convSpec);
        var model = Classifier.Create(o.Model, train.FeatureCount, trainAll.ClassCount, o.Hidden, o.Activation, o.Dropout, rng.Fork(), convSpec);
        string training = o.Model == "perceptron"
            ? "perceptron rule (SGD lr 1, one example at a time)"
            : string.Create(CultureInfo.InvariantCulture, $"optimizer {o.Optimizer} lr {o.LearningRate}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{o.Dataset} ({source}): {train.Count} training, {holdout?.Count ?? 0} holdout, {test.Count} test rows, {train.FeatureCount} features, {trainAll.ClassCount} classes; model {o.Model} [{string.Join(", ", model.Sizes)}] ({model.Network.ParameterCount()} parameters), {training}"));
        IEpochReporter reporter = interactive ? new ProgressBarReporter() : new PlainReporter(output);
        TrainingRun run;
        using (var interrupt = Interrupt.Listen()) run = Trainer.Run(model, train, holdout, o, rng, reporter, interrupt);
        var (history, optimizer) = (run.History, run.Optimizer);

        if (o.Plot is not null && history.Count > 0)
        {
            try
            {
                SvgPlot.Write(o.Plot, history, $"{o.Model} on {Path.GetFileName(o.Dataset)}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserError($"--plot: cannot write '{o.Plot}': {Cli.OneLine(e)}");
            }
            output.WriteLine($"wrote the loss and accuracy curves to {o.Plot}");
        }
        void Save()
        {
            try
            {
                Checkpoint.Save(o.Save!, model.Network, optimizer, metadata: model.Metadata(o.Dataset, o.Seed, o.TestFraction, standardizer, trainAll.ClassNames));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserError($"--save: {Cli.OneLine(e).Replace("Checkpoint.Save: ", "", StringComparison.Ordinal)}");
            }
        }
        if (run.Interrupted is { } stop) throw Interrupted(stop, o, optimizer.Kind, Save);
        if (o.Save is not null)
        {
            Save();
            output.WriteLine($"saved the model and its {optimizer.Kind} optimizer state to {o.Save}");
        }
        var (_, accuracy) = Trainer.Evaluate(model, testStd);
        output.WriteLine($"test accuracy: {(100 * accuracy).ToString("F2", CultureInfo.InvariantCulture)}%");
        return accuracy;
    }
}
