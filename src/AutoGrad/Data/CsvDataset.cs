using System.Globalization;
using System.IO.Compression;

namespace AutoGrad.Data;

/// <summary>
/// Reads a classification data set from a delimited text file of the user's: one example per
/// line, the feature values first and the class label last (<c>x1,x2,...,xD,label</c>), with an
/// optional header line. Files ending in <c>.gz</c> are decompressed.
/// </summary>
/// <remarks>
/// Labels are either all non-negative integers (used as class indices; the class count is the
/// largest label + 1, at most <see cref="MaxClasses"/>) or names, which become classes 0, 1, ...
/// in sorted (ordinal) order, unless <c>classNames</c> fixes the mapping, which you want when a
/// train and a test file must agree. Labels that are all numbers but not all non-negative
/// integers (<c>1.5</c>, <c>-1</c>) are refused rather than taken as names; with
/// <c>integerLabels: true</c> every label must be a non-negative integer (names are refused too).
/// Blank lines are skipped; fields are trimmed. Every error names the file, the line number and
/// what was wrong.
/// </remarks>
public static class CsvDataset
{
    /// <summary>Reads <paramref name="path"/> (see the class remarks for the format).</summary>
    /// <param name="path">The file; <c>.gz</c> files are decompressed.</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header (its field count must match the data's).</param>
    /// <param name="separator">Field separator (default ',').</param>
    /// <param name="classNames">When given, labels must be these names (or indices into them), and map to their positions.</param>
    /// <param name="integerLabels">Require every label to be a non-negative integer (a class index); names are refused.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or malformed; the message has the file, line and problem.</exception>
    public static Dataset Load(string path, bool hasHeader = false, char separator = ',', IReadOnlyList<string>? classNames = null, bool integerLabels = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CsvDataset.Load: no such file '{path}'", path);
        using var file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(s);
        return Read(reader, path, hasHeader, separator, classNames, integerLabels);
    }

    /// <summary>Reads a data set from text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The text is empty or malformed; the message has the source, line and problem.</exception>
    public static Dataset Read(TextReader reader, string sourceName, bool hasHeader = false, char separator = ',', IReadOnlyList<string>? classNames = null, bool integerLabels = false)
    {
        var (features, last, lines, columns) = ReadTable(reader, sourceName, hasHeader, separator, trailing: 1, "a label", "label");
        var rawLabels = last.Select(f => f[0]).ToList();
        var (labels, names) = MapLabels(rawLabels, lines, sourceName, classNames, integerLabels);
        return new Dataset(Tensor.FromArray(features.ToArray(), rawLabels.Count, columns - 1), labels, names.Count, names);
    }

    /// <summary>
    /// Reads a regression data set: each line the feature values and then <paramref name="targets"/>
    /// target values (<c>x1,...,xD,y1,...,yK</c>), all numbers. The targets are [N] for one, [N, K] for more.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or malformed (a field is not a finite number, a row has another field count); the message has the file, line and field.</exception>
    /// <exception cref="ArgumentOutOfRangeException">targets ≤ 0.</exception>
    public static TensorDataset LoadRegression(string path, int targets = 1, bool hasHeader = false, char separator = ',')
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CsvDataset.LoadRegression: no such file '{path}'", path);
        using var file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(s);
        return ReadRegression(reader, path, targets, hasHeader, separator);
    }

    /// <summary><see cref="LoadRegression"/> from text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The text is empty or malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">targets ≤ 0.</exception>
    public static TensorDataset ReadRegression(TextReader reader, string sourceName, int targets = 1, bool hasHeader = false, char separator = ',')
    {
        Guard.Positive("CsvDataset.ReadRegression", nameof(targets), targets);
        var (features, last, lines, columns) = ReadTable(reader, sourceName, hasHeader, separator, targets, targets == 1 ? "a target" : $"{targets} targets", "target");
        var values = new float[last.Count * targets];
        for (int r = 0; r < last.Count; r++)
            for (int k = 0; k < targets; k++)
                values[r * targets + k] = Number(sourceName, lines[r], columns - targets + k, last[r][k], $"target {k + 1}");
        int rows = last.Count;
        var y = targets == 1 ? Tensor.FromArray(values, rows) : Tensor.FromArray(values, rows, targets);
        return new TensorDataset(Tensor.FromArray(features.ToArray(), rows, columns - targets), y);
    }

    /// <summary>
    /// The rows of a delimited table: the feature values (all but the last <paramref name="trailing"/>
    /// fields, parsed), the trailing fields as text, the line number of each row, and the field count.
    /// </summary>
    private static (List<float> Features, List<string[]> Trailing, List<int> Lines, int Columns) ReadTable(
        TextReader reader, string sourceName, bool hasHeader, char separator, int trailing, string trailingPhrase, string trailingWord)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (separator is '\n' or '\r')
            throw new ArgumentException("CsvDataset: the separator cannot be a line break; use ',', ';', '\\t' or similar", nameof(separator));
        var features = new List<float>();
        var last = new List<string[]>();
        var lines = new List<int>();
        int columns = -1, columnsLine = 0, lineNo = 0;
        bool headerPending = hasHeader;
        string? line;
        while ((line = ReadLine(reader, sourceName, lineNo)) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(separator);
            if (headerPending)
            {
                headerPending = false;
                if (fields.Length < trailing + 1) throw Error(sourceName, lineNo, $"the header has {fields.Length} field{(fields.Length == 1 ? "" : "s")}; expected at least one feature and {trailingPhrase}");
                columns = fields.Length;
                columnsLine = lineNo;
                continue;
            }
            if (columns < 0)
            {
                if (fields.Length < trailing + 1) throw Error(sourceName, lineNo, $"found {fields.Length} field{(fields.Length == 1 ? "" : "s")}; expected at least one feature and then {trailingPhrase} (separator '{separator}')");
                columns = fields.Length;
                columnsLine = lineNo;
            }
            else if (fields.Length != columns)
            {
                throw Error(sourceName, lineNo, $"found {fields.Length} fields, expected {columns} ({columns - trailing} features and {trailingPhrase}, as on line {columnsLine})");
            }
            for (int c = 0; c < columns - trailing; c++) features.Add(Number(sourceName, lineNo, c, fields[c], $"feature {c + 1}"));
            var tail = new string[trailing];
            for (int k = 0; k < trailing; k++)
            {
                tail[k] = fields[columns - trailing + k].Trim();
                if (tail[k].Length == 0) throw Error(sourceName, lineNo, $"the {trailingWord} (field {columns - trailing + k + 1}) is empty");
            }
            last.Add(tail);
            lines.Add(lineNo);
        }
        if (last.Count == 0)
            throw new InvalidDataException($"{sourceName}: no data rows{(hasHeader && !headerPending ? " after the header" : "")}; expected lines of 'feature1{separator}...{separator}featureD{separator}{trailingWord}{(trailing > 1 ? "1...": "")}'");
        return (features, last, lines, columns);
    }

    /// <summary>Field <paramref name="column"/> (0-based) of a line as a finite float32.</summary>
    private static float Number(string sourceName, int lineNo, int column, string text, string what)
    {
        var f = text.Trim();
        if (f.Length == 0) throw Error(sourceName, lineNo, $"field {column + 1} ({what}) is empty; missing values are not supported");
        if (!float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
            throw Error(sourceName, lineNo, $"field {column + 1} ({what}) is '{f}', not a number");
        if (!float.IsFinite(v)) throw Error(sourceName, lineNo, $"field {column + 1} ({what}) is '{f}', which is not a finite float32 value");
        return v;
    }

    /// <summary>The largest number of classes integer labels may make (a label of at most 9999).</summary>
    public const int MaxClasses = 10000;

    private static (int[] Labels, IReadOnlyList<string> Names) MapLabels(List<string> raw, List<int> lines, string source, IReadOnlyList<string>? classNames, bool integerLabels)
    {
        var labels = new int[raw.Count];
        if (classNames is not null)
        {
            if (classNames.Count == 0) throw new ArgumentException("CsvDataset: classNames is empty", nameof(classNames));
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < classNames.Count; i++)
                if (!index.TryAdd(classNames[i], i)) throw new ArgumentException($"CsvDataset: class name '{classNames[i]}' appears twice in classNames", nameof(classNames));
            for (int r = 0; r < raw.Count; r++)
            {
                if (index.TryGetValue(raw[r], out int k)) labels[r] = k;
                else if (int.TryParse(raw[r], NumberStyles.None, CultureInfo.InvariantCulture, out k) && k < classNames.Count) labels[r] = k;
                else throw Error(source, lines[r], $"label '{raw[r]}' is not one of the {classNames.Count} classes given ({string.Join(", ", classNames)}) nor an index below {classNames.Count}");
            }
            return (labels, classNames);
        }

        // Integer labels when asked for, or when every label is a number: then each must be a class index.
        bool numeric = integerLabels || raw.TrueForAll(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (numeric)
        {
            int max = -1, maxRow = 0;
            for (int r = 0; r < raw.Count; r++)
            {
                if (!int.TryParse(raw[r], NumberStyles.None, CultureInfo.InvariantCulture, out labels[r]))
                {
                    bool huge = raw[r].Length > 0 && raw[r].All(char.IsAsciiDigit);
                    throw Error(source, lines[r], huge
                        ? $"label '{raw[r]}' is too large; labels are class indices 0, 1, ..., at most {MaxClasses - 1}"
                        : $"label '{raw[r]}' is not a non-negative integer; labels are class indices 0, 1, 2, ...");
                }
                if (labels[r] > max) (max, maxRow) = (labels[r], r);
            }
            if (max >= MaxClasses)
                throw Error(source, lines[maxRow], $"label {max} would make {(long)max + 1} classes; labels are class indices 0, 1, ..., at most {MaxClasses - 1}");
            return (labels, Enumerable.Range(0, max + 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        }
        var names = raw.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) map[names[i]] = i;
        for (int r = 0; r < raw.Count; r++) labels[r] = map[raw[r]];
        return (labels, names);
    }

    // A damaged .gz surfaces while reading; say which file and where.
    private static string? ReadLine(TextReader reader, string source, int lineNo)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new InvalidDataException($"{source}: could not be read after line {lineNo}: {e.Message}", e);
        }
    }

    private static InvalidDataException Error(string source, int line, string what) => new($"{source}, line {line}: {what}");
}
