using System.Globalization;
using AutoGrad.Data;

namespace AutoGrad.Cli.Training;

/// <summary>A test span of a series: the targets whose time lies in [From, To], labelled e.g. "1921-1955".</summary>
public sealed record SeriesSpan(string Label, double From, double To);

/// <summary>
/// How <c>autograd train</c> uses an embedded time series: the training targets' span, the test
/// spans, the default window, and whether the model predicts the next value itself or the next
/// change (<see cref="Differenced"/>).
/// </summary>
/// <param name="Differenced">
/// The model sees and predicts first differences x_t − x_{t−1} (the forecast of x_t is x_{t−1} plus
/// the predicted change). CO₂ rises by about 1.5 ppm a year, so its test years lie above every
/// training value: a network on the levels would have to extrapolate, one on the weekly changes
/// (a seasonal cycle around a nearly constant mean) does not.
/// </param>
public sealed record SeriesSpec(string Name, double TrainFrom, double TrainTo, SeriesSpan[] Tests, int DefaultWindow, bool Differenced, string Unit)
{
    /// <summary>The embedded series, ready to cut.</summary>
    public TimeSeries Load() => EmbeddedDatasets.Series(Name);

    public string TrainLabel => string.Create(CultureInfo.InvariantCulture, $"{TrainFrom}-{Math.Floor(TrainTo)}");
}

/// <summary>The sequence data sets of <c>--model rnn|lstm|gru</c>: the embedded series, and <c>text:FILE</c>.</summary>
public static class SequenceSources
{
    /// <summary>
    /// Sunspots: the classic benchmark's split (Weigend, Huberman &amp; Rumelhart 1990): train on
    /// 1700–1920, test on 1921–1955 and 1956–1979, 12 past years per input. CO₂ (weekly, 1958–2001):
    /// train on the weeks of 1958–1990, test on 1991–2001, a year (52 weeks) per input, on weekly changes.
    /// </summary>
    public static readonly SeriesSpec[] Series =
    [
        new("sunspots", 1700, 1920, [new("1921-1955", 1921, 1955), new("1956-1979", 1956, 1979)], 12, Differenced: false, "sunspots"),
        new("co2", 1958, 1990.999, [new("1991-2001", 1991, 2001.999)], 52, Differenced: true, "ppm"),
    ];

    /// <summary>The prefix of a text file given as <c>--dataset text:FILE</c>.</summary>
    public const string TextPrefix = "text:";

    /// <summary>Every sequence data set name, for messages.</summary>
    public static string Describe() => string.Join(", ", Series.Select(s => s.Name)) + $" or {TextPrefix}FILE (a UTF-8 text file)";

    public static bool IsSeries(string name) => Series.Any(s => s.Name == name);

    public static bool IsText(string name) => name.StartsWith(TextPrefix, StringComparison.Ordinal);

    /// <summary>Whether the name is a sequence data set (for the recurrent models).</summary>
    public static bool IsSequence(string name) => IsSeries(name) || IsText(name);

    public static SeriesSpec SeriesSpec(string name) => Series.First(s => s.Name == name);

    /// <summary>Loads the UTF-8 file given as <c>text:FILE</c>.</summary>
    /// <exception cref="UserError">No file name, the file is missing, empty or not UTF-8.</exception>
    public static (TextCorpus Corpus, string Source) LoadText(string name)
    {
        string path = name[TextPrefix.Length..];
        if (path.Length == 0) throw new UserError($"--dataset {TextPrefix} needs a file name after the colon, e.g. {TextPrefix}notes.txt");
        if (Directory.Exists(path)) throw new UserError($"text file '{path}' is a directory; give a UTF-8 text file");
        if (!File.Exists(path)) throw new UserError($"text file '{path}' not found; give a path to a UTF-8 text file (--dataset {TextPrefix}FILE)");
        try
        {
            return (TextCorpus.Load(path), "UTF-8 file");
        }
        catch (InvalidDataException e)
        {
            throw new UserError(Cli.OneLine(e)); // names the file (and the byte offset) already
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"text file '{path}': {Cli.OneLine(e)}");
        }
    }
}
