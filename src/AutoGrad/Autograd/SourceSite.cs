namespace AutoGrad.Autograd;

/// <summary>
/// Where an op was recorded: the user's source file and line (from CallerFilePath /
/// CallerLineNumber), and the library function it was part of (e.g. <c>log_softmax</c>) when it
/// was recorded inside a composition.
/// </summary>
public readonly record struct SourceSite(string? File, int Line, string? Scope)
{
    /// <summary>The composition being run on this thread (one thread-static read per recorded op).</summary>
    [ThreadStatic] private static Ambient? t_ambient;

    /// <summary>Compositions being run on any thread: zero lets a recorded op skip the thread-static read.</summary>
    private static int s_live;

    private sealed class Ambient
    {
        public bool Active;
        public string? File;
        public int Line;
        public string? Scope;
    }

    /// <summary>True when the site is known.</summary>
    public bool IsKnown => !string.IsNullOrEmpty(File);

    /// <summary><c>Loss.cs:42</c>, or <c>Loss.cs:42 (in log_softmax)</c>, or <c>unknown</c>.</summary>
    public override string ToString()
    {
        if (!IsKnown) return Scope is null ? "unknown source" : $"unknown source (in {Scope})";
        string where = $"{Path.GetFileName(File)}:{Line}";
        return Scope is null ? where : $"{where} (in {Scope})";
    }

    /// <summary>The full path form, <c>/src/Loss.cs:42</c>.</summary>
    public string FullLocation => IsKnown ? $"{File}:{Line}" : "unknown source";

    /// <summary>
    /// Whether ops called without caller information find their source line from a stack trace
    /// (the switch behind <c>DebugSettings.CaptureStackTraces</c>).
    /// </summary>
    internal static bool CaptureStackTraces;

    /// <summary>
    /// The site to record: the outermost composition being run, else the caller of the op itself,
    /// else (when <see cref="CaptureStackTraces"/> is on, or an attached tape observer such as
    /// anomaly mode wants source lines) the first frame outside the library.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static SourceSite Resolve(string file, int line)
    {
        if (s_live == 0 && string.IsNullOrEmpty(file) && !CaptureStackTraces && Tape.Observer is null) return default;
        return ResolveSlow(file, line);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static SourceSite ResolveSlow(string file, int line)
    {
        if (s_live != 0 && t_ambient is { Active: true } a) return new SourceSite(a.File, a.Line, a.Scope);
        if (!string.IsNullOrEmpty(file)) return new SourceSite(file, line, null);
        return CaptureStackTraces || Tape.Observer is { WantsSourceLines: true } ? FromStackTrace() : default;
    }

    private static SourceSite FromStackTrace()
    {
        var frames = new System.Diagnostics.StackTrace(2, true).GetFrames();
        var lib = typeof(SourceSite).Assembly;
        foreach (var f in frames)
        {
            var m = f.GetMethod();
            if (m?.DeclaringType?.Assembly == lib) continue;
            var file = f.GetFileName();
            if (file is not null) return new SourceSite(file, f.GetFileLineNumber(), null);
        }
        return default;
    }

    /// <summary>
    /// Enters a library composition (e.g. softmax): ops recorded until the scope is disposed get
    /// the composition's caller as their site and its name as their scope. Nested scopes keep the
    /// outermost one, which is the user's call.
    /// </summary>
    internal static ScopeGuard Enter(string scope, string file, int line)
    {
        var a = t_ambient ??= new Ambient();
        if (a.Active) return default;
        a.Active = true;
        a.File = string.IsNullOrEmpty(file) ? null : file;
        a.Line = line;
        a.Scope = scope;
        Interlocked.Increment(ref s_live);
        return new ScopeGuard(true);
    }

    internal readonly struct ScopeGuard(bool owner) : IDisposable
    {
        public void Dispose()
        {
            if (!owner) return;
            var a = t_ambient!;
            a.Active = false;
            a.File = null;
            a.Scope = null;
            Interlocked.Decrement(ref s_live);
        }
    }
}
