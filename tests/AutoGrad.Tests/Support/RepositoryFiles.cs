using System.Text.RegularExpressions;

namespace AutoGrad.Tests.Support;

/// <summary>The repository's own files, for tests that hold docs, examples and sources against each other.</summary>
internal static partial class RepositoryFiles
{
    /// <summary>The directory holding AutoGrad.sln, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Reads a file given by its path from the repository root.</summary>
    public static string Read(params string[] parts) => File.ReadAllText(Path.Combine([Root, .. parts]));

    /// <summary>The bodies of the ```csharp blocks of a Markdown text, in order.</summary>
    public static List<string> CSharpBlocks(string markdown) =>
        CSharpBlock().Matches(markdown).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Code lines only: indentation, blank lines and using directives may differ between copies.</summary>
    public static string NormalizeCode(string code) => string.Join("\n", code.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !UsingDirective().IsMatch(l)));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoGrad.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("AutoGrad.sln not found above the test binaries");
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^using [A-Za-z.]+;$")]
    private static partial Regex UsingDirective();
}
