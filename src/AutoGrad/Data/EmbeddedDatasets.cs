using System.Globalization;
using System.IO.Compression;

namespace AutoGrad.Data;

/// <summary>
/// The small real data sets shipped inside the library: classification sets (scikit-learn's copies
/// of the UCI Machine Learning Repository files) and two time series (statsmodels' copies of NOAA's
/// yearly sunspots and the Mauna Loa CO₂ record); see the README for credits.
/// </summary>
public static class EmbeddedDatasets
{
    /// <summary>Names accepted by <see cref="Load"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["digits", "iris", "breast-cancer", "wine"];

    /// <summary>UCI optdigits: 1,797 8×8 images (<see cref="Dataset.ImageShape"/> 1×8×8), 64 pixel features in 0..16, 10 classes.</summary>
    public static Dataset Digits() => Parse(Read("digits.csv.gz"), header: false, "digits").WithImageShape(new ImageShape(1, 8, 8));

    /// <summary>Iris: 150 flowers, 4 measurements, 3 species.</summary>
    public static Dataset Iris() => Parse(Read("iris.csv"), header: true, "iris");

    /// <summary>Wisconsin breast cancer: 569 tumours, 30 features, malignant (0) or benign (1).</summary>
    public static Dataset BreastCancer() => Parse(Read("breast_cancer.csv.gz"), header: true, "breast-cancer");

    /// <summary>Wine: 178 wines, 13 chemical measurements, 3 cultivars.</summary>
    public static Dataset Wine() => Parse(Read("wine_data.csv"), header: true, "wine");

    /// <summary>Loads an embedded data set by name (see <see cref="Names"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static Dataset Load(string name) => name switch
    {
        "digits" => Digits(),
        "iris" => Iris(),
        "breast-cancer" => BreastCancer(),
        "wine" => Wine(),
        _ => throw new ArgumentException($"unknown embedded data set '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>Names accepted by <see cref="Series"/>.</summary>
    public static IReadOnlyList<string> SeriesNames { get; } = ["sunspots", "co2"];

    /// <summary>
    /// Yearly mean sunspot numbers, 1700–2008 (309 points; times are the years), from NOAA's
    /// National Geophysical Data Center via statsmodels. The classic forecasting benchmark (Weigend,
    /// Huberman &amp; Rumelhart 1990) trains on 1700–1920 and tests on 1921–1955 and 1956–1979.
    /// </summary>
    public static TimeSeries Sunspots()
    {
        var lines = Lines(Read("sunspots.csv"));
        var times = new double[lines.Length - 1];
        var values = new double[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var parts = Fields("sunspots", lines[i], i, 2);
            times[i - 1] = double.Parse(parts[0], CultureInfo.InvariantCulture);
            values[i - 1] = double.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        return new TimeSeries("sunspots", times, values);
    }

    /// <summary>
    /// Weekly atmospheric CO₂ at Mauna Loa in ppm, 29 March 1958 – 29 December 2001 (2,284 weeks;
    /// Keeling &amp; Whorf, via statsmodels). Times are fractional years, <c>year + (day of year − 1) / days in year</c>.
    /// 59 weeks have no measurement: each is filled by linear interpolation between the nearest
    /// measured weeks before and after it (the longest gap is 18 weeks), so the series stays evenly
    /// spaced for windowing; <see cref="TimeSeries.Missing"/> marks them and <see cref="TimeSeries.Filled"/> counts them.
    /// </summary>
    public static TimeSeries Co2()
    {
        var lines = Lines(Read("co2.csv.gz"));
        int n = lines.Length - 1;
        var times = new double[n];
        var values = new double[n];
        var missing = new bool[n];
        for (int i = 1; i < lines.Length; i++)
        {
            var parts = Fields("co2", lines[i], i, 2);
            var date = DateOnly.ParseExact(parts[0], "yyyyMMdd", CultureInfo.InvariantCulture);
            times[i - 1] = date.Year + (date.DayOfYear - 1) / (double)(DateTime.IsLeapYear(date.Year) ? 366 : 365);
            missing[i - 1] = parts[1].Length == 0;
            if (!missing[i - 1]) values[i - 1] = double.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        Interpolate(values, missing);
        return new TimeSeries("co2", times, values, missing);
    }

    /// <summary>Loads an embedded time series by name (see <see cref="SeriesNames"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static TimeSeries Series(string name) => name switch
    {
        "sunspots" => Sunspots(),
        "co2" => Co2(),
        _ => throw new ArgumentException($"EmbeddedDatasets.Series: unknown time series '{name}'; expected one of: {string.Join(", ", SeriesNames)}", nameof(name)),
    };

    /// <summary>
    /// Fills each missing value by linear interpolation (in index, i.e. in time for an evenly spaced
    /// series) between the nearest known values on either side; a run at an end takes the nearest known value.
    /// </summary>
    internal static void Interpolate(double[] values, bool[] missing)
    {
        int prev = -1;
        for (int i = 0; i <= values.Length; i++)
        {
            if (i < values.Length && missing[i]) continue;
            for (int j = prev + 1; j < i; j++)
            {
                if (prev < 0 && i == values.Length)
                    throw new InvalidDataException("EmbeddedDatasets: every value of the series is missing; there is nothing to interpolate from");
                values[j] = prev < 0 ? values[i] : i == values.Length ? values[prev] : values[prev] + (values[i] - values[prev]) * (j - prev) / (i - prev);
            }
            prev = i;
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Fields(string name, string line, int row, int count)
    {
        var parts = line.Split(',');
        if (parts.Length != count) throw new InvalidDataException($"{name}: line {row + 1} has {parts.Length} fields, expected {count}");
        return parts;
    }

    private static string Read(string file)
    {
        var asm = typeof(EmbeddedDatasets).Assembly;
        using var stream = asm.GetManifestResourceStream("AutoGrad.Data." + file)
            ?? throw new InvalidOperationException($"embedded resource {file} is missing from the AutoGrad assembly");
        using Stream s = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Parses "features..., label" lines; with a header, its first line is
    /// "rows,features,className0,className1,...", as in scikit-learn's files.
    /// </summary>
    private static Dataset Parse(string text, bool header, string name)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[]? classNames = null;
        int start = 0;
        if (header)
        {
            var h = lines[0].Split(',');
            classNames = h[2..];
            start = 1;
        }
        int rows = lines.Length - start;
        int cols = lines[start].Split(',').Length - 1;
        var x = new float[rows * cols];
        var y = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var parts = lines[start + r].Split(',');
            if (parts.Length != cols + 1) throw new InvalidDataException($"{name}: row {r} has {parts.Length} fields, expected {cols + 1}");
            for (int c = 0; c < cols; c++) x[r * cols + c] = float.Parse(parts[c], CultureInfo.InvariantCulture);
            y[r] = int.Parse(parts[cols], CultureInfo.InvariantCulture);
        }
        return new Dataset(Tensor.FromArray(x, rows, cols), y, classNames?.Length, classNames);
    }
}
