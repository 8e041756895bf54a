using System.Globalization;
using AutoGrad.Data;

namespace AutoGrad.Cli.Training;

/// <summary>
/// <c>autograd evaluate</c> on a recurrent checkpoint: the test ARVs of the series it was trained
/// on, or the bits per character of the test text (the last <see cref="TextTraining.TestFraction"/>)
/// of its text or of another one given with <c>--dataset</c>, encoded with the checkpoint's vocabulary.
/// </summary>
public static class SequenceEvaluation
{
    /// <exception cref="UserError">Options that do not apply, a different series, a text with characters outside the vocabulary.</exception>
    public static double Run(SequenceModel model, IReadOnlyDictionary<string, string> m, string path, string? datasetName, string? dataDir, bool csvHeader, TextWriter output)
    {
        string trainedOn = m["dataset"];
        string name = datasetName ?? trainedOn;
        if (dataDir is not null) throw new UserError($"--data-dir applies only to --dataset fashion-mnist or mnist, not to the {model.Kind} in '{path}'");
        if (csvHeader) throw new UserError($"--csv-header applies only to a .csv data set, not to the {model.Kind} in '{path}'");
        string Get(string key) => m.TryGetValue(key, out var v) ? v : throw new UserError($"{path}: the checkpoint has no '{key}' entry; it was not written by 'autograd train --save'");
        if (model.Task == SequenceTask.Series)
        {
            if (name != trainedOn)
                throw new UserError($"the {model.Kind} in '{path}' forecasts {trainedOn} (its inputs are scaled by that series' training span); it cannot be evaluated on '{name}'");
            var spec = SequenceSources.SeriesSpec(trainedOn);
            int window;
            SeriesScale scale;
            try
            {
                window = int.Parse(Get("window"), NumberStyles.None, CultureInfo.InvariantCulture);
                scale = SeriesScale.Fixed(double.Parse(Get("scale"), CultureInfo.InvariantCulture), double.Parse(Get("shift"), CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new UserError($"{path}: the checkpoint's metadata is malformed ({Cli.OneLine(e)})");
            }
            var data = SeriesTraining.Prepare(spec, window, scale);
            output.WriteLine($"{spec.Name} (embedded): window {window}, test {string.Join(", ", spec.Tests.Select(t => t.Label))}; model {model.Describe()} from {path}");
            return SeriesTraining.Report(model, data, output);
        }
        if (!SequenceSources.IsText(name))
            throw new UserError($"the {model.Kind} in '{path}' is a character model: evaluate it on a text ({SequenceSources.Describe()}), not on '{name}'");
        var vocabulary = Vocabulary(m, path);
        var (corpus, source) = SequenceSources.LoadText(name);
        int[] tokens = Encode(vocabulary, corpus.Text, corpus.Name, $"the model in '{path}' (trained on {trainedOn})");
        int held = (int)Math.Round(tokens.Length * TextTraining.TestFraction);
        if (held < 2 || tokens.Length - held < 2)
            throw new UserError($"{corpus.Name}: {tokens.Length} characters are too few: the last {TextTraining.TestFraction.ToString(CultureInfo.InvariantCulture)} is the test text, and it needs at least 2 characters");
        int bptt = int.TryParse(m.GetValueOrDefault("bptt"), NumberStyles.None, CultureInfo.InvariantCulture, out int b) && b > 0 ? b : 64;
        output.WriteLine($"{corpus.Name} ({source}): {tokens.Length} characters, the last {held} the test text; model {model.Describe()} from {path}");
        return TextTraining.Report(model, corpus.Name, tokens[..^held], tokens[^held..], vocabulary.Count, bptt, output);
    }

    /// <summary>The text as vocabulary indices; a character outside the vocabulary is an error naming it, its position and <paramref name="model"/>.</summary>
    /// <exception cref="UserError">A character is not in the vocabulary.</exception>
    public static int[] Encode(CharVocabulary vocabulary, string text, string what, string model)
    {
        int line = 1, column = 1;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!vocabulary.Contains(rune))
            {
                string shown = System.Text.Rune.IsControl(rune) || System.Text.Rune.IsWhiteSpace(rune) ? $"U+{rune.Value:X4}" : $"'{rune}' (U+{rune.Value:X4})";
                throw new UserError($"{what}: character {shown} at line {line}, column {column} is not in the {vocabulary.Count}-character vocabulary of {model}; use only characters of the text it was trained on");
            }
            if (rune.Value == '\n') { line++; column = 1; }
            else column++;
        }
        return vocabulary.Encode(text);
    }

    /// <summary>The character vocabulary a text checkpoint stores; its size must be the model's.</summary>
    public static CharVocabulary Vocabulary(IReadOnlyDictionary<string, string> m, string path)
    {
        CharVocabulary vocabulary;
        try { vocabulary = CharVocabulary.FromSymbols(m.TryGetValue("vocabulary", out var v) ? v : throw new UserError($"{path}: the checkpoint has no 'vocabulary' entry; it was not written by 'autograd train --save'")); }
        catch (ArgumentException e) { throw new UserError($"{path}: the checkpoint's vocabulary is malformed ({Cli.OneLine(e)})"); }
        return vocabulary;
    }
}
