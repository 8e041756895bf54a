using System.Collections.Immutable;
using AutoGrad.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoGrad.Tests.Architecture;

/// <summary>
/// The library's layers have no back-edges (docs/architecture.md#layers): kernels ← tensors and
/// tape ← ops ← functional ← NN, losses, optimizers, training ← the tools that attach from above
/// (anomaly mode, Explain, DOT, gradient checking, StepPlan capture). The library's sources are
/// compiled with Roslyn and every name a file uses is resolved to the file that declares it; a
/// reference from a lower layer to a higher one fails, naming both files and the symbol.
/// </summary>
public class LayerTests
{
    /// <summary>A source folder (or file) under src/AutoGrad and its layer; a file takes its most specific entry.</summary>
    private static readonly (string Path, int Layer, string Name)[] Layers =
    [
        ("Kernels/", 0, "kernels"),
        ("Tensors/", 1, "tensor and tape"),
        ("Autograd/", 1, "tensor and tape"),
        ("Memory/BufferPool.cs", 1, "tensor and tape"),
        ("Memory/StepScope.cs", 1, "tensor and tape"),
        ("Ops/", 2, "ops"),
        ("Functional/", 3, "functional"),
        ("NN/", 4, "NN, losses, optimizers, training"),
        ("Losses/", 4, "NN, losses, optimizers, training"),
        ("Optim/", 4, "NN, losses, optimizers, training"),
        ("Training/", 4, "NN, losses, optimizers, training"),
        ("Data/", 4, "NN, losses, optimizers, training"),
        ("IO/", 4, "NN, losses, optimizers, training"),
        ("Debugging/", 5, "attached tools"),
        ("Checking/", 5, "attached tools"),
        ("Memory/StepPlan.cs", 5, "attached tools"),
        ("Memory/StepRecorder.cs", 5, "attached tools"),
    ];

    private static readonly CSharpParseOptions Options = new(LanguageVersion.Preview, DocumentationMode.Parse);
    private static readonly Lazy<(CSharpCompilation Compilation, string Root)> Library = new(Compile);

    [Fact]
    public void EveryLibrarySourceHasALayer()
    {
        var (compilation, root) = Library.Value;
        var unplaced = compilation.SyntaxTrees.Select(t => Relative(root, t.FilePath)).Where(p => !p.StartsWith("obj/") && LayerOf(p) is null).ToList();
        Assert.True(unplaced.Count == 0, "no layer for: " + string.Join(", ", unplaced) + " (add it to LayerTests.Layers and docs/architecture.md)");
    }

    [Fact]
    public void TheLibraryCompilesAsTheTestSeesIt()
    {
        // The check below is only as good as the symbol resolution: the compilation must be clean.
        var errors = Library.Value.Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void NoLayerUsesOneAboveIt()
    {
        var (compilation, root) = Library.Value;
        var edges = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            string file = Relative(root, tree.FilePath);
            if (LayerOf(file) is not { } from) continue;
            var model = compilation.GetSemanticModel(tree);
            foreach (var use in tree.GetRoot().DescendantNodes().Where(IsUse))
            {
                if (IsInDocComment(use)) continue;
                var info = model.GetSymbolInfo(use);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol is null) continue;
                if (symbol is IMethodSymbol { ReducedFrom: { } reduced }) symbol = reduced;
                if (Home(symbol, root) is not { } home || LayerOf(home) is not { } to) continue;
                if (to.Layer > from.Layer)
                    edges.Add($"{file} ({from.Name}) uses {symbol.ToDisplayString()} from {home} ({to.Name})");
            }
        }
        Assert.True(edges.Count == 0, "back-edges:\n" + string.Join("\n", edges));
    }

    [Fact]
    public void TheCheckSeesABackEdge()
    {
        // A kernel that calls an op: the resolution above must report it.
        var (compilation, root) = Library.Value;
        string path = Path.Combine(root, "Kernels", "Injected.cs");
        var tree = CSharpSyntaxTree.ParseText("namespace AutoGrad.Kernels; static class Injected { static AutoGrad.Tensor F(AutoGrad.Tensor x) => x.Sqrt() * x; }", Options, path);
        var model = compilation.AddSyntaxTrees(tree).GetSemanticModel(tree);
        var homes = tree.GetRoot().DescendantNodes().Where(IsUse)
            .Select(n => model.GetSymbolInfo(n).Symbol).OfType<ISymbol>()
            .Select(s => Home(s, root)).OfType<string>().ToList();
        Assert.Contains("Ops/Unary/Sqrt.cs", homes);      // a method
        Assert.Contains("Ops/Operators.cs", homes);       // an operator
        Assert.True(LayerOf("Ops/Operators.cs")!.Value.Layer > LayerOf("Kernels/Injected.cs")!.Value.Layer);
    }

    /// <summary>
    /// The file a symbol comes from: a member's own declaration; for a type declared in several
    /// files (the partial Tensor), its lowest layer (using the type is fine from any layer above).
    /// </summary>
    private static string? Home(ISymbol symbol, string root)
    {
        var files = symbol.Locations.Where(l => l.IsInSource).Select(l => Relative(root, l.SourceTree!.FilePath)).ToList();
        if (files.Count == 0) return null;
        return files.OrderBy(f => LayerOf(f)?.Layer ?? int.MaxValue).First();
    }

    private static (int Layer, string Name)? LayerOf(string file)
    {
        var match = Layers.Where(l => file.StartsWith(l.Path, StringComparison.Ordinal)).OrderByDescending(l => l.Path.Length).FirstOrDefault();
        return match.Path is null ? null : (match.Layer, match.Name);
    }

    // Names, and the syntax that calls a member without naming it: operators and indexers.
    private static bool IsUse(SyntaxNode node) => node is SimpleNameSyntax or BinaryExpressionSyntax
        or PrefixUnaryExpressionSyntax or AssignmentExpressionSyntax or ElementAccessExpressionSyntax;

    private static bool IsInDocComment(SyntaxNode node) => node.Ancestors().Any(a => a is DocumentationCommentTriviaSyntax);

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static (CSharpCompilation, string) Compile()
    {
        string root = Path.Combine(RepositoryFiles.Root, "src", "AutoGrad");
        var trees = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Relative(root, f).StartsWith("obj/") && !Relative(root, f).StartsWith("bin/"))
            .Order(StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Options, f))
            .ToList();
        trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, Options, Path.Combine(root, "obj", "ImplicitUsings.cs")));
        // The framework's assemblies and the one package the library uses (not the test's own dependencies).
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = Directory.EnumerateFiles(framework, "*.dll")
            .Where(IsManagedAssembly)
            .Append(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("AutoGrad.Core", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        return (compilation, root);
    }

    private static bool IsManagedAssembly(string path)
    {
        try { System.Reflection.AssemblyName.GetAssemblyName(path); return true; }
        catch (BadImageFormatException) { return false; }
    }

    // What the SDK's ImplicitUsings adds for a class library.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;
}
