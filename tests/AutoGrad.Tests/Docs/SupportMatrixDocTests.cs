using System.Text;
using System.Text.RegularExpressions;
using AutoGrad.Autograd;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Docs;

/// <summary>
/// The support matrix of docs/higher-order.md: one row per op-table row, one column per mode
/// (reverse, forward, reverse over reverse, forward over reverse), each entry found by running the
/// mode on a case of the row ("yes" when it runs, "refused" when it throws an
/// <see cref="AutogradException"/>). The property tests check every "yes" numerically. With
/// <c>AUTOGRAD_REWRITE_DOCS=1</c> the test rewrites the table instead of comparing it.
/// </summary>
public partial class SupportMatrixDocTests
{
    private static readonly string Page = Path.Combine(RepositoryFiles.Root, "docs", "higher-order.md");

    private static string Mode(Action run)
    {
        try { run(); return "yes"; }
        catch (AutogradException) { return "refused"; }
    }

    private static string[] Modes(OpCase row)
    {
        double[] values = [.. Enumerable.Range(0, 97).Select(i => Math.Sin(i * 1.7))];
        int[] dims = [.. Enumerable.Range(0, row.Dims.Max).Select(d => 2 + d % 2)];
        var c = new DrawnCase(row, dims, 0, values, 1);
        var xs = c.Inputs(DType.Float64);
        var f = c.Op.Make(c.Info);
        int at = Array.FindIndex(xs, x => x.RequiresGrad);
        Tensor L(Tensor x)
        {
            var args = xs.Select(t => t.Detach()).ToArray();
            args[at] = x;
            return f(args).Sum();
        }
        var x0 = xs[at].Detach();
        var v = Tensor.OnesLike(x0);
        return
        [
            Mode(() => Derivatives.Grad(L, x0)),
            Mode(() => Derivatives.Jvp(L, x0, v)),
            Mode(() => Derivatives.HessianVectorProductReverse(L, x0, v)),
            Mode(() => Derivatives.HessianVectorProduct(L, x0, v)),
        ];
    }

    private static string Table()
    {
        var sb = new StringBuilder("| op-table row | reverse | forward | reverse over reverse | forward over reverse |\n|---|---|---|---|---|\n");
        foreach (var row in OpTable.Rows)
            sb.Append($"| {row.Name.Replace("|", "\\|")} | {string.Join(" | ", Modes(row))} |\n");
        return sb.ToString();
    }

    [Fact]
    public void TheSupportMatrixIsGeneratedFromTheOpTable()
    {
        string page = File.ReadAllText(Page).Replace("\r\n", "\n");
        var section = Section().Match(page);
        Assert.True(section.Success, "docs/higher-order.md has no '<!-- support:begin ... -->' ... '<!-- support:end -->' section");
        string expected = Table();
        if (Environment.GetEnvironmentVariable(OpsDocTests.RewriteVariable) == "1")
        {
            var body = section.Groups["body"];
            File.WriteAllText(Page, page[..body.Index] + expected + page[(body.Index + body.Length)..]);
            return;
        }
        Assert.True(expected == section.Groups["body"].Value,
            $"docs/higher-order.md's support matrix differs from what the op table's rows do; run `{OpsDocTests.RewriteVariable}=1 dotnet test " +
            $"--filter {nameof(SupportMatrixDocTests)}` to regenerate it. Expected:\n{expected}");
    }

    [GeneratedRegex(@"<!-- support:begin[^\n]*-->\n(?<body>.*?)<!-- support:end -->", RegexOptions.Singleline)]
    private static partial Regex Section();
}
