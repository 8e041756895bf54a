using System.CommandLine;
using System.Globalization;
using AutoGrad.Cli.Training;
using AutoGrad.Data;
using AutoGrad.IO;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// <c>autograd evaluate --load FILE</c>: rebuilds the model a checkpoint describes, loads its
/// weights, and prints its accuracy and confusion matrix on the test split of the data set; for a
/// recurrent model, the test ARVs of its series or the bits per character of its test text.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create(TextWriter output)
    {
        var load = new Option<string>("--load") { Description = "Checkpoint written by 'autograd train --save'", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "Data set to evaluate on; same names as train, and it must have the model's features [default: the one the model was trained on]" };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Directory with the IDX files of fashion-mnist or mnist (only for those) [default: ${MnistFormat.EnvironmentVariable}, else {MnistFormat.DefaultDirectory} for fashion-mnist and {MnistFormat.DefaultMnistDirectory} for mnist]" };
        var csvHeader = new Option<bool>("--csv-header") { Description = "The CSV file's first line is a header to skip (only for a .csv --dataset) [default: off]" };
        var cmd = new Command("evaluate", "Print a saved model's test accuracy and confusion matrix, on the test set 'train' used: the same fixed, stratified 20% of the rows for the embedded data sets and CSV files (from the seed in the checkpoint), the official test files for fashion-mnist and mnist. A recurrent model prints the ARV of each test span of its series, or the bits per character of the test text (the last 10%) of its text or of another given with --dataset") { load, dataset, dataDir, csvHeader };
        cmd.SetAction(r =>
        {
            Run(r.GetValue(load)!, r.GetValue(dataset), r.GetValue(dataDir), r.GetValue(csvHeader), output);
            return 0;
        });
        return cmd;
    }

    public static double Run(string path, string? datasetName, string? dataDir, bool csvHeader, TextWriter output)
    {
        if (Directory.Exists(path)) throw new UserError($"--load: '{path}' is a directory; give the checkpoint file that 'autograd train --save FILE' wrote");
        if (!File.Exists(path)) throw new UserError($"checkpoint '{path}' not found; write one with 'autograd train --save {path}'");
        CheckpointFile file;
        try { file = Checkpoint.Read(path); }
        catch (CheckpointException e) { throw new UserError(e.Message); }
        if (SequenceTraining.IsSequenceCheckpoint(file.Metadata))
        {
            var sequenceModel = SequenceTraining.FromMetadata(file.Metadata, path);
            try { Checkpoint.Load(path, sequenceModel); }
            catch (CheckpointException e) { throw new UserError(e.Message); }
            sequenceModel.Eval();
            return SequenceEvaluation.Run(sequenceModel, file.Metadata, path, datasetName, dataDir, csvHeader, output);
        }
        var (model, standardizer, trainedOn, seed, testFraction, classes) = Classifier.FromMetadata(file.Metadata, path);
        try { Checkpoint.Load(path, model.Network); }
        catch (CheckpointException e) { throw new UserError(e.Message); }

        string name = datasetName ?? trainedOn;
        TrainOptions.CheckDataOptions(name, dataDir, csvHeader);
        var (rest, test, source) = DataSources.Load(name, dataDir, csvHeader, testFraction, seed);
        if (test.FeatureCount != standardizer.FeatureCount)
            throw new UserError($"the model in '{path}' takes {standardizer.FeatureCount} features (it was trained on '{trainedOn}'), but '{name}' has {test.FeatureCount}; evaluate it on a data set with the same features");
        CheckLabels(path, trainedOn, classes, name, rest.Labels.Concat(test.Labels));
        var scores = model.Scores(standardizer.Transform(test).Features);
        var predicted = model.Predict(scores);
        double accuracy = Metrics.Accuracy(predicted, test.Labels);
        var matrix = new ConfusionMatrix(test.Labels, predicted, classes.Length, classes);
        output.WriteLine($"{name} ({source}): {test.Count} test rows, model {model.Kind} [{string.Join(", ", model.Sizes)}] from {path}");
        output.WriteLine(matrix.ToString());
        output.WriteLine($"test accuracy: {(100 * accuracy).ToString("F2", CultureInfo.InvariantCulture)}%");
        return accuracy;
    }

    /// <summary>
    /// Every label of the data must be one of the model's classes: a label the model cannot
    /// predict makes every row of it an error and the accuracy meaningless. Refused, naming the
    /// labels outside the model's classes and how many rows of each class the data has.
    /// </summary>
    /// <exception cref="UserError">Some label is not a class of the model.</exception>
    public static void CheckLabels(string path, string trainedOn, string[] classes, string name, IEnumerable<int> labels)
    {
        var counts = labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => (Label: g.Key, Rows: g.Count())).ToList();
        var unknown = counts.Where(c => c.Label >= classes.Length).ToList();
        if (unknown.Count == 0) return;
        static string Rows(int n) => n == 1 ? "1 row" : $"{n} rows";
        string known = classes.Length <= 12 ? $" ({string.Join(", ", classes.Select((c, i) => c == i.ToString(CultureInfo.InvariantCulture) ? c : $"{i} = {c}"))})" : "";
        throw new UserError($"'{name}' has labels that the model in '{path}' does not know: {string.Join(", ", unknown.Select(u => $"{u.Label} ({Rows(u.Rows)})"))}; "
            + $"the model was trained on '{trainedOn}' and has {classes.Length} classes{known}, labels 0 to {classes.Length - 1}. "
            + $"Rows per label in '{name}': {string.Join(", ", counts.Select(c => $"{c.Label}: {c.Rows}"))}");
    }
}
