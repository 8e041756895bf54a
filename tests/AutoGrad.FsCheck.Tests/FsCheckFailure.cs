using System.Text.RegularExpressions;

namespace AutoGrad.FsCheck.Tests;

/// <summary>The parts of FsCheck's failure message: the run's replay seed, the failing property's label, and the original and shrunk cases.</summary>
internal sealed partial record FsCheckFailure(ulong Seed, ulong Gamma, int Shrinks, string Label, string Original, string Shrunk)
{
    public static FsCheckFailure Parse(string message)
    {
        var m = Message().Match(message.Replace("\r\n", "\n"));
        Assert.True(m.Success, "unexpected FsCheck message:\n" + message);
        return new(ulong.Parse(m.Groups["seed"].Value), ulong.Parse(m.Groups["gamma"].Value), int.Parse(m.Groups["shrinks"].Value),
            m.Groups["label"].Value, m.Groups["original"].Value,
            // FsCheck leaves out "Shrunk:" when nothing shrank.
            m.Groups["shrunk"].Success ? m.Groups["shrunk"].Value : m.Groups["original"].Value);
    }

    [GeneratedRegex(@"Falsifiable, after \d+ tests? \((?<shrinks>\d+) shrinks?\) \((?<seed>\d+),(?<gamma>\d+)\)\..*?Label of failing property: (?<label>.*?)\nOriginal:\n(?<original>.*?)(\nShrunk:\n(?<shrunk>.*?))?\nwith exception:", RegexOptions.Singleline)]
    private static partial Regex Message();
}
