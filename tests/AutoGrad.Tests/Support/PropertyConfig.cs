using FsCheck;

namespace AutoGrad.Tests.Support;

/// <summary>
/// How many cases property tests run: a bounded number by default (CI stays fast), more when
/// <c>AUTOGRAD_DEEP=1</c>, or exactly <c>AUTOGRAD_PROPERTY_CASES</c>. A failure prints FsCheck's
/// replay seed; set <c>AUTOGRAD_REPLAY="seed,gamma"</c> (or "seed,gamma,size" from the "Replay
/// directly at failing step" line) to rerun exactly that case.
/// </summary>
public static class PropertyConfig
{
    public static int Cases(int fallback = 40)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("AUTOGRAD_PROPERTY_CASES"), out int n) && n > 0) return n;
        return Environment.GetEnvironmentVariable("AUTOGRAD_DEEP") == "1" ? fallback * 25 : fallback;
    }

    public static Config For(int fallbackCases = 40)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases(fallbackCases)).WithQuietOnSuccess(true);
        var replay = Environment.GetEnvironmentVariable("AUTOGRAD_REPLAY");
        if (!string.IsNullOrWhiteSpace(replay))
        {
            var parts = replay.Trim('(', ')', ' ').Split(',', StringSplitOptions.TrimEntries);
            var rnd = new Rnd(ulong.Parse(parts[0]), ulong.Parse(parts[1]));
            var size = parts.Length > 2 ? Microsoft.FSharp.Core.FSharpOption<int>.Some(int.Parse(parts[2])) : Microsoft.FSharp.Core.FSharpOption<int>.None;
            config = config.WithReplay(new Replay(rnd, size));
        }
        return config;
    }
}
