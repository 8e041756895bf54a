using System.Text;

namespace AutoGrad.Tests.Support;

/// <summary>
/// What code writes to <see cref="Console.Out"/> while it runs on this flow (thread and awaits), so a
/// test can check a sample's printed output while tests running in parallel keep writing to the
/// real console.
/// </summary>
internal static class ConsoleCapture
{
    private static readonly AsyncLocal<StringWriter?> s_capture = new();
    private static readonly Lazy<Router> s_router = new(() =>
    {
        var router = new Router(Console.Out);
        Console.SetOut(router);
        return router;
    });

    /// <summary>Runs <paramref name="action"/> and returns what it printed.</summary>
    public static string Run(Action action) => Run(() => { action(); return 0; }).Printed;

    /// <summary>Runs <paramref name="f"/> and returns its result and what it printed.</summary>
    public static (T Result, string Printed) Run<T>(Func<T> f)
    {
        _ = s_router.Value;
        var saved = s_capture.Value;
        var writer = new StringWriter { NewLine = "\n" };
        s_capture.Value = writer;
        try { return (f(), writer.ToString()); }
        finally { s_capture.Value = saved; }
    }

    /// <summary>Sends each write to this flow's capture, if any, else to the console.</summary>
    private sealed class Router(TextWriter console) : TextWriter
    {
        private static TextWriter? Capture => s_capture.Value;

        private TextWriter Target => Capture ?? console;

        public override Encoding Encoding => console.Encoding;

        public override void Write(char value) => Target.Write(value);

        public override void Write(string? value) => Target.Write(value);

        public override void WriteLine(string? value) => Target.WriteLine(value);

        public override void WriteLine() => Target.WriteLine();

        public override void Flush() => Target.Flush();
    }
}
