using AutoGrad.Data;

namespace AutoGrad.Cli.Training;

/// <summary>A loaded data set: its training rows, its test rows and where they came from (for the data line).</summary>
/// <param name="Train">Every row not in the test set (the holdout is split from these).</param>
/// <param name="Test">The official test set (IDX), or the fixed 20 % split (embedded and CSV).</param>
/// <param name="Source">Where the rows came from: "embedded", "CSV file", or "IDX files in DIR, from --data-dir" (or "from $AUTOGRAD_DATA", "the default directory").</param>
public sealed record LoadedData(Dataset Train, Dataset Test, string Source);

/// <summary>Where the train and test sets come from: an embedded set, a CSV file, or IDX files.</summary>
public static class DataSources
{
    public static readonly string[] IdxNames = ["fashion-mnist", "mnist"];

    /// <summary>Names accepted by --dataset besides a path to a .csv file.</summary>
    public static IEnumerable<string> Names => EmbeddedDatasets.Names.Concat(IdxNames);

    /// <summary>Whether <paramref name="name"/> is read from IDX files (so --data-dir applies).</summary>
    public static bool IsIdx(string name) => IdxNames.Contains(name);

    /// <summary>Whether <paramref name="name"/> is a CSV file path (so --csv-header applies).</summary>
    public static bool IsCsv(string name) => !EmbeddedDatasets.Names.Contains(name) && !IsIdx(name) && !SequenceSources.IsSequence(name) && name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    private static readonly string IdxFiles = string.Join(", ", MnistFormat.FileNames.Take(3)) + " and " + MnistFormat.FileNames[3] + " (each may be .gz)";

    /// <summary>
    /// Loads the named data set and its test split. Embedded and CSV sets have no official test
    /// set, so a stratified, seeded <paramref name="testFraction"/> of the rows is held out as one
    /// (the same rows every time for the same seed, so evaluate sees what train did not).
    /// </summary>
    /// <exception cref="UserError">Unknown name, or files missing or malformed (the message says what was expected).</exception>
    public static LoadedData Load(string name, string? dataDir, bool csvHeader, double testFraction, ulong seed)
    {
        if (EmbeddedDatasets.Names.Contains(name))
            return Checked(name, Split(name, EmbeddedDatasets.Load(name), testFraction, seed), "embedded");
        if (IsIdx(name)) return Checked(name, LoadIdx(name, dataDir));
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(name)) throw new UserError($"CSV file '{name}' not found; give a path to a file whose rows are numeric features followed by an integer label");
            Dataset all;
            try
            {
                all = CsvDataset.Load(name, csvHeader, integerLabels: true);
            }
            catch (InvalidDataException e)
            {
                // The message names the file and the line already.
                throw new UserError(Cli.OneLine(e) + (!csvHeader && FirstLineIsText(name) ? "; if the first line is a header, add --csv-header" : ""));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IOException)
            {
                throw new UserError($"{name}: {Cli.OneLine(e)}");
            }
            CheckClasses(name, all);
            return Checked(name, Split(name, all, testFraction, seed), "CSV file");
        }
        throw new UserError($"unknown data set '{name}'; expected one of {string.Join(", ", Names)}, or a path to a .csv file (for --model rnn, lstm and gru: {SequenceSources.Describe()})");
    }

    private static LoadedData LoadIdx(string name, string? dataDir)
    {
        bool fashion = name == "fashion-mnist";
        string? fallback = fashion ? MnistFormat.DefaultDirectory
            : Directory.Exists(MnistFormat.DefaultMnistDirectory) ? MnistFormat.DefaultMnistDirectory : null;
        string? env = Environment.GetEnvironmentVariable(MnistFormat.EnvironmentVariable);
        string origin = !string.IsNullOrWhiteSpace(dataDir) ? "from --data-dir"
            : !string.IsNullOrWhiteSpace(env) ? "from $" + MnistFormat.EnvironmentVariable
            : "the default directory";
        string dir = MnistFormat.ResolveDirectory(dataDir, fallback)
            ?? throw new UserError($"mnist: no data directory; MNIST needs --data-dir DIR or ${MnistFormat.EnvironmentVariable} naming a directory with {IdxFiles}");
        string howToGet = fashion
            ? $"install it with 'apt-get install dataset-fashion-mnist' (into {MnistFormat.DefaultDirectory}) or point --data-dir or ${MnistFormat.EnvironmentVariable} at a directory with its four IDX files"
            : $"point --data-dir or ${MnistFormat.EnvironmentVariable} at a directory with {IdxFiles}";
        if (!Directory.Exists(dir)) throw new UserError($"{name}: no directory '{dir}' ({origin}); {howToGet}");
        try
        {
            var (train, test) = fashion ? MnistFormat.LoadFashionMnist(dir) : MnistFormat.Load(dir);
            return new LoadedData(train, test, $"IDX files in {dir}, {origin}");
        }
        catch (FileNotFoundException e)
        {
            string file = Path.GetFileName(e.FileName ?? "");
            throw new UserError($"{name}: '{dir}' ({origin}) has no {file} (nor {file}.gz); expected {IdxFiles}");
        }
        catch (DirectoryNotFoundException)
        {
            throw new UserError($"{name}: no directory '{dir}' ({origin}); {howToGet}");
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
        {
            throw new UserError($"{name}: {Cli.OneLine(e)}");
        }
    }

    /// <summary>Whether the file's first line has a field that is not a number (a header, most likely).</summary>
    private static bool FirstLineIsText(string path)
    {
        try
        {
            string? first = File.ReadLines(path).FirstOrDefault();
            return first is not null && first.Split(',').Any(f => f.Trim().Length > 0 && !double.TryParse(f.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A user's labels must make at least 2 classes and no more classes than rows.</summary>
    private static void CheckClasses(string name, Dataset all)
    {
        int present = all.Labels.Distinct().Count();
        if (present < 2)
            throw new UserError($"{name}: every row has label {all.Labels[0]}; training a classifier needs at least 2 classes");
        if (all.ClassCount > all.Count)
            throw new UserError($"{name}: labels go up to {all.ClassCount - 1}, which makes {all.ClassCount} classes for {all.Count} rows; labels must be class indices 0, 1, 2, ... with fewer classes than rows");
    }

    /// <summary>Each split (training and test) needs at least one row per class.</summary>
    private static LoadedData Checked(string name, LoadedData d)
    {
        if (d.Test.Count < d.Train.ClassCount || d.Train.Count < d.Train.ClassCount)
            throw new UserError($"{name}: the training set has {d.Train.Count} rows and the test set {d.Test.Count}; each needs at least one row per class ({d.Train.ClassCount} classes)");
        return d;
    }

    private static LoadedData Checked(string name, (Dataset Train, Dataset Test) split, string source) => Checked(name, new LoadedData(split.Train, split.Test, source));

    private static (Dataset, Dataset) Split(string name, Dataset all, double testFraction, ulong seed)
    {
        if (all.Count < 2 * all.ClassCount)
            throw new UserError($"{name}: {all.Count} rows are too few to hold out a test set: the training and test sets each need at least one row per class ({all.ClassCount} classes)");
        return DataSplit.Holdout(all, testFraction, new Generator(seed ^ 0x7E57), stratified: true);
    }
}
