using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using AutoGrad.Autograd;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Docs;

/// <summary>
/// A primitive's derivative is stated once, in its node's <see cref="Node.Rule"/>: the Primitives
/// table of docs/ops.md is generated from the nodes (one row per built-in node type), and the hand
/// tables only point to it. With <c>AUTOGRAD_REWRITE_DOCS=1</c> the test rewrites the table instead
/// of comparing it.
/// </summary>
public partial class OpsDocTests
{
    public const string RewriteVariable = "AUTOGRAD_REWRITE_DOCS";
    private const string Separator = ";  ";
    private const string PrimitivesLink = "[see Primitives](#primitives)";
    private const string EndMarker = "<!-- primitives:end -->";

    private static readonly string OpsPage = Path.Combine(RepositoryFiles.Root, "docs", "ops.md");
    private static readonly string Sources = Path.Combine(RepositoryFiles.Root, "src", "AutoGrad");

    /// <summary>
    /// Every concrete node type of the library: abstract family bases (UnaryNode, BinaryNode, …)
    /// record nothing themselves, and CustomOp's node carries a user's op, whose name and rule are
    /// the user's (it states no rule).
    /// </summary>
    private static List<Type> BuiltInNodeTypes() =>
        [.. typeof(Node).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Node)) && !t.IsAbstract && t.DeclaringType != typeof(CustomOp))];

    private static Node Instance(Type type) =>
        type.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes) is { } create
            ? (Node)create.Invoke(null, null)!
            : (Node)Activator.CreateInstance(type, nonPublic: true)!;

    private sealed record Row(string Folder, string Name, string Definition, string Derivative, string Source, string LinkText);

    private static List<Row> Rows()
    {
        var files = Directory.GetFiles(Sources, "*.cs", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);
        var rows = new List<Row>();
        foreach (var type in BuiltInNodeTypes())
        {
            var node = Instance(type);
            var declaration = new Regex($@"\bclass\s+{Regex.Escape(type.Name)}\b");
            var declaring = files.Where(f => declaration.IsMatch(f.Value)).Select(f => f.Key).ToList();
            Assert.True(declaring.Count == 1,
                $"{type.Name} ({node.Name}) is declared in {declaring.Count} files under src/AutoGrad, expected 1: {string.Join(", ", declaring)}");
            string fromSrc = Path.GetRelativePath(Sources, declaring[0]).Replace('\\', '/');
            string linkText = fromSrc.StartsWith("Ops/", StringComparison.Ordinal) ? fromSrc["Ops/".Length..] : fromSrc;
            var parts = (node.Rule ?? "").Split(Separator);
            rows.Add(new Row(Path.GetDirectoryName(linkText)!.Replace('\\', '/'), node.Name,
                parts[0], parts.Length > 1 ? parts[1] : "", $"../src/AutoGrad/{fromSrc}", linkText));
        }
        // By folder (Binary/, Index/, …, then the files directly in Ops/), then name; the file breaks
        // ties between nodes of one name (add and add with a number).
        return [.. rows.OrderBy(r => r.Folder.Length == 0).ThenBy(r => r.Folder, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Source, StringComparer.Ordinal)];
    }

    private static string Table(List<Row> rows)
    {
        var sb = new StringBuilder("| op | definition | derivative | source |\n|---|---|---|---|\n");
        foreach (var r in rows)
            sb.Append($"| `{r.Name}` | {Cell(r.Definition)} | {Cell(r.Derivative)} | [{r.LinkText}]({r.Source}) |\n");
        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|");

    [Fact]
    public void EveryBuiltInNodeStatesItsRuleAsDefinitionAndDerivative()
    {
        var types = BuiltInNodeTypes();
        Assert.True(types.Count >= 30, $"found only {types.Count} node types: is the filter wrong?");
        foreach (var type in types)
        {
            var rule = Instance(type).Rule;
            Assert.False(rule is null, $"{type.Name} states no Rule");
            var parts = rule.Split(Separator);
            Assert.True(parts.Length == 2 && parts.All(p => p.Trim().Length > 0 && p == p.Trim()),
                $"{type.Name}.Rule is \"{rule}\": expected \"definition;  derivative\" (one \"{Separator}\", text on both sides)");
        }
    }

    [Fact]
    public void ThePrimitivesTableOfTheDocsIsGeneratedFromTheNodes()
    {
        string page = File.ReadAllText(OpsPage).Replace("\r\n", "\n");
        var section = Section().Match(page);
        Assert.True(section.Success, $"docs/ops.md has no '<!-- primitives:begin ... -->' ... '{EndMarker}' section");
        string expected = Table(Rows());
        if (Environment.GetEnvironmentVariable(RewriteVariable) == "1")
        {
            var body = section.Groups["body"];
            File.WriteAllText(OpsPage, page[..body.Index] + expected + page[(body.Index + body.Length)..]);
            return;
        }
        Assert.True(expected == section.Groups["body"].Value,
            $"docs/ops.md's Primitives table differs from the nodes' Name and Rule; run `{RewriteVariable}=1 dotnet test " +
            $"--filter {nameof(OpsDocTests)}` to regenerate it. Expected:\n{expected}");
    }

    [Fact]
    public void AHandTableRowOfAPrimitivePointsToThePrimitivesTable()
    {
        string page = File.ReadAllText(OpsPage).Replace("\r\n", "\n");
        var hand = page[..page.IndexOf("## Primitives", StringComparison.Ordinal)];
        var marked = hand.Split('\n').Where(l => l.StartsWith('|') && l.Split('|')[1].Contains("(P)", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(marked);
        foreach (var line in marked)
        {
            var cells = line.Split('|');
            Assert.True(cells[^2].Trim().StartsWith(PrimitivesLink, StringComparison.Ordinal),
                $"docs/ops.md: a primitive's derivative is stated only in its node's Rule; end this row with \"{PrimitivesLink}\":\n{line}");
        }
    }

    [GeneratedRegex(@"<!-- primitives:begin[^\n]*-->\n(?<body>.*?)<!-- primitives:end -->", RegexOptions.Singleline)]
    private static partial Regex Section();
}
