using AutoGrad.Autograd;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// Every primitive (every concrete <see cref="Node"/> type of the library) is recorded by some row
/// of the op table, so it gets the table's gradient, replay and law tests. A row maps to the node
/// types its op actually records on the tape, not to names.
/// </summary>
public class OpTableCoverageTests
{
    [Fact]
    public void EveryPrimitiveIsRecordedByARow()
    {
        var reached = OpTable.Rows.SelectMany(NodeTypesRecordedBy).ToHashSet();
        var missing = Primitives().Where(t => !reached.Contains(t)).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"no op-table row records {string.Join(", ", missing)}: add a row for each to tests/AutoGrad.Tests/Support/OpTable.cs, " +
            "so its gradient is checked against finite differences and its capture against replay");
    }

    [Fact]
    public void TheWalkFindsEveryNodeOfARecordedGraph()
    {
        // The check above is only as good as the walk: a small graph names all its node types.
        var x = Tensor.From(DType.Float64, [1, 2, 3, 4], 2, 2).RequireGrad();
        var y = Tensor.Matmul(x.Exp(), x.Transpose()).Sum() + x.Log().Max();
        Assert.Equal(["AddNode", "ExpNode", "LogNode", "MatmulNode", "MaxNode", "PermuteNode", "SumNode"],
            NodeTypes(y).Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>The library's concrete node types, less the one every custom op records (user ops are checked by their authors).</summary>
    private static IEnumerable<Type> Primitives()
    {
        var custom = new Twice().Apply(Tensor.Ones(DType.Float64, 1).RequireGrad()).GradFn!.GetType();
        var all = typeof(Node).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Node)) && !t.IsAbstract).ToList();
        Assert.Contains(custom, all);
        Assert.True(all.Count > 30, $"found only {all.Count} node types");
        return all.Where(t => t != custom);
    }

    /// <summary>The node types a row records on a few drawn cases (shapes, flags and the row's own random choices varied).</summary>
    private static IEnumerable<Type> NodeTypesRecordedBy(OpCase row)
    {
        var types = new HashSet<Type>();
        double[] values = [.. Enumerable.Range(0, 97).Select(i => Math.Sin(i * 1.7))];
        for (int variant = 0; variant < 4; variant++)
        {
            int rank = variant % 2 == 0 ? row.Dims.Max : row.Dims.Min;
            int[] dims = [.. Enumerable.Range(0, rank).Select(d => 2 + (d + variant) % 2)];
            var c = new DrawnCase(row, dims, variant < 2 ? 0 : int.MaxValue, values, variant);
            types.UnionWith(NodeTypes(c.Op.Make(c.Info)(c.Inputs(DType.Float64))));
        }
        return types;
    }

    /// <summary>The types of the nodes recorded on the way to <paramref name="y"/>.</summary>
    private static HashSet<Type> NodeTypes(Tensor y)
    {
        var types = new HashSet<Type>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>([y]);
        while (stack.Count > 0)
        {
            if (stack.Pop().GradFn is not { } node || !seen.Add(node)) continue;
            types.Add(node.GetType());
            foreach (var input in node.Inputs) stack.Push(input);
        }
        return types;
    }

    private sealed class Twice : CustomOp
    {
        protected override Tensor Forward(CustomOpContext ctx, Tensor[] x) => x[0] * 2.0;

        protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * 2.0];
    }
}
