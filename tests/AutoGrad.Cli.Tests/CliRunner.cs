namespace AutoGrad.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
public static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Cli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].TrimEnd('\r');
}

/// <summary>A temporary directory deleted when disposed.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("autograd-cli-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
