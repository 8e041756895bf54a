using AutoGrad.Data;

namespace AutoGrad.Cli.Training;

/// <summary>Where the train and test sets come from: an embedded set, a CSV file, or IDX files.</summary>
public static class DataSources
{
    public static readonly string[] IdxNames = ["fashion-mnist", "mnist"];

    /// <summary>Names accepted by --dataset besides a path to a .csv file.</summary>
    public static IEnumerable<string> Names => EmbeddedDatasets.Names.Concat(IdxNames);

    /// <summary>
    /// Loads the named data set and its test split. Embedded and CSV sets have no official test
    /// set, so a stratified, seeded <paramref name="testFraction"/> of the rows is held out as one
    /// (the same rows every time for the same seed, so evaluate sees what train did not).
    /// </summary>
    /// <exception cref="UserError">Unknown name, or files missing or malformed (the message says what was expected).</exception>
    public static (Dataset Train, Dataset Test) Load(string name, string? dataDir, bool csvHeader, double testFraction, ulong seed)
    {
        if (EmbeddedDatasets.Names.Contains(name)) return Split(EmbeddedDatasets.Load(name), testFraction, seed);
        if (IdxNames.Contains(name))
        {
            string dir = MnistFormat.ResolveDirectory(dataDir);
            try
            {
                return name == "fashion-mnist" ? MnistFormat.LoadFashionMnist(dir) : MnistFormat.Load(dir);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
            {
                string hint = name == "fashion-mnist"
                    ? "install it with 'apt-get install dataset-fashion-mnist' (files go to /usr/share/datasets/fashion-mnist), or point --data-dir or $AUTOGRAD_DATA at a directory with the four IDX files"
                    : "point --data-dir or $AUTOGRAD_DATA at a directory with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz)";
                throw new UserError($"{name}: {e.Message}; {hint}");
            }
            catch (InvalidDataException e)
            {
                throw new UserError($"{name}: {e.Message}");
            }
        }
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(name)) throw new UserError($"CSV file '{name}' not found; give a path to a file whose rows are numeric features followed by a label");
            try
            {
                return Split(CsvDataset.Load(name, csvHeader), testFraction, seed);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException)
            {
                throw new UserError($"{name}: {e.Message}");
            }
        }
        throw new UserError($"unknown data set '{name}'; expected one of {string.Join(", ", Names)}, or a path to a .csv file");
    }

    private static (Dataset, Dataset) Split(Dataset all, double testFraction, ulong seed)
    {
        if (all.Count < 3) throw new UserError($"the data set has {all.Count} rows; at least 3 are needed to hold out a test set");
        var (train, test) = DataSplit.Holdout(all, testFraction, new Generator(seed ^ 0x7E57), stratified: true);
        return (train, test);
    }
}
