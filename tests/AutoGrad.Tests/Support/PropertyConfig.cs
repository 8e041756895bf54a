using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck;
using Microsoft.FSharp.Core;

namespace AutoGrad.Tests.Support;

/// <summary>
/// How many cases property tests run: a bounded number by default (CI stays fast), more when
/// <c>AUTOGRAD_DEEP=1</c>, or exactly <c>AUTOGRAD_PROPERTY_CASES</c>; and the replay of a failure.
/// </summary>
/// <remarks>
/// <para>A failing property throws with FsCheck 3.6's report, which starts like this when the
/// failure came after the first case:</para>
/// <code>
/// Falsifiable, after 8 tests (3 shrinks) (2489701103973671975,4525665871503741111).
/// Last step was invoked with size of 21 and seed of (7752708971612654423,11036019966511922551).
/// Replay directly at failing step with (7752708971612654423,11036019966511922551,21).
/// Original:
/// ...
/// </code>
/// <para>Set <c>AUTOGRAD_REPLAY</c> to the three numbers of the "Replay directly at failing step
/// with" line to run only the failing case (then shrink it again), or to the two numbers at the end
/// of the "Falsifiable" line to rerun the whole sequence from its first case. When the very first
/// case fails there is no "Replay directly" line (the "Last step" line then ends with a colon): use
/// the pair from the "Falsifiable" line. Parentheses, spaces, the final period, or the whole line
/// may be pasted: <c>AUTOGRAD_REPLAY="(7752708971612654423,11036019966511922551,21)."</c>.</para>
/// </remarks>
public static class PropertyConfig
{
    /// <summary>The environment variable with a seed to replay.</summary>
    public const string ReplayVariable = "AUTOGRAD_REPLAY";

    public static int Cases(int fallback = 40)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("AUTOGRAD_PROPERTY_CASES"), out int n) && n > 0) return n;
        return Environment.GetEnvironmentVariable("AUTOGRAD_DEEP") == "1" ? fallback * 25 : fallback;
    }

    /// <summary>The configuration for a property test, replaying <c>$AUTOGRAD_REPLAY</c> when it is set.</summary>
    public static Config For(int fallbackCases = 40) => For(fallbackCases, Environment.GetEnvironmentVariable(ReplayVariable));

    /// <summary>The configuration for a property test, replaying <paramref name="replay"/> (see <see cref="ParseReplay"/>) unless it is blank.</summary>
    public static Config For(int fallbackCases, string? replay)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases(fallbackCases)).WithQuietOnSuccess(true);
        return string.IsNullOrWhiteSpace(replay) ? config : config.WithReplay(ParseReplay(replay));
    }

    // Two or three unsigned integers, comma-separated, optionally in parentheses and followed by a
    // period or colon, at the end of whatever was pasted (a bare value or a whole FsCheck line), and
    // not the tail of a longer list.
    private static readonly Regex ReplayPattern = new(@"(?<![\d,]\s*)\(?\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)?\s*[.:]?\s*$");

    /// <summary>
    /// Parses a seed as FsCheck prints it: "seed,gamma" (the start of a run) or
    /// "seed,gamma,size" (one failing case), as the bare numbers or as pasted from its report.
    /// </summary>
    /// <exception cref="FormatException">The text has no such seed at its end.</exception>
    public static Replay ParseReplay(string text)
    {
        var m = ReplayPattern.Match(text);
        if (!m.Success ||
            !ulong.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed) ||
            !ulong.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong gamma))
            throw new FormatException($"{ReplayVariable}: expected \"seed,gamma\" or \"seed,gamma,size\" as FsCheck prints them, got \"{text}\"");
        var size = FSharpOption<int>.None;
        if (m.Groups[3].Success)
        {
            if (!int.TryParse(m.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int s))
                throw new FormatException($"{ReplayVariable}: the size in \"{text}\" is out of range");
            size = FSharpOption<int>.Some(s);
        }
        try { return new Replay(new Rnd(seed, gamma), size); }
        catch (ArgumentException e) { throw new FormatException($"{ReplayVariable}: \"{text}\" is not a seed FsCheck prints: {e.Message}", e); }
    }
}
