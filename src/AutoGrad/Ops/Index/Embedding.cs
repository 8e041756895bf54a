using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// embedding: rows of a table [n, d] looked up by index (y[k] = W[index[k]]); the gradient of row r
/// is the sum of G over the lookups of r, except the padding row, whose gradient is 0.
/// </summary>
internal sealed class EmbeddingNode : Node, INodeType<EmbeddingNode>
{
    public static EmbeddingNode Create() => new();

    private IndexRef _index;
    private int _paddingIndex;
    private Tensor? _keep; // [n, 1]: 0 at the padding row, 1 elsewhere (null without one)

    public override string Name => "embedding";
    public override string Rule => "Y[k] = W[index[k]];  ∂L/∂W[r] = Σ_{k: index[k] = r} G[k], 0 for the padding row";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor weight, ReadOnlySpan<int> index, int paddingIndex, string file, int line)
    {
        if (weight.Rank != 2) throw ShapeErrors.WrongRank("embedding", "the table", weight.ShapeArray, 2, "[count, dim]");
        int n = weight.ShapeArray[0], dim = weight.ShapeArray[1];
        Guard.Indices("embedding", index, n, 0);
        if (paddingIndex >= n) throw new ArgumentOutOfRangeException(nameof(paddingIndex), paddingIndex, $"embedding: padding index {paddingIndex} is outside the table of {n} rows");
        var y = Tensor.Empty([index.Length, dim], weight.DType);
        var bound = Launch.RunIndexed("embedding", new EmbeddingLaunch(weight, y, n, dim), index, weight);
        if (Node.NeedsNode(weight))
        {
            var node = New<EmbeddingNode>();
            (node._index, node._paddingIndex) = (IndexRef.Keep(index, bound), paddingIndex);
            if (paddingIndex >= 0)
            {
                node._keep = Tensor.Ones(weight.DType, n, 1);
                node._keep[paddingIndex, 0] = 0;
            }
            Record(node, y, weight, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _index.Span, _paddingIndex, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => t[0] is null ? null : Forward([_keep is null ? t[0]! : t[0]! * _keep]); // the padding row carries no tangent, as it gets no gradient

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var gw = g.IndexAdd(0, _index.Span, Input(0).ShapeArray[0]);
        grads[0] = _keep is null ? gw : gw * _keep;
    }

    private readonly struct EmbeddingLaunch(Tensor w, Tensor y, int n, int dim) : IIndexedLaunch
    {
        public void Validate(ReadOnlySpan<int> index) => Guard.Indices("embedding", index, n, 0);

        public void Run(ReadOnlySpan<int> index)
        {
            if (w.DType == DType.Float32) Layout.IndexSelect<float>(w.SpanF, 1, n, dim, index, y.SpanF);
            else Layout.IndexSelect<double>(w.SpanD, 1, n, dim, index, y.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Looks up rows of this table [count, dim]: y [index.Length, dim], y[k] = this[index[k]]
    /// (<c>torch.nn.functional.embedding</c>). The gradient of a row sums the gradients of its
    /// lookups; with <paramref name="paddingIndex"/> ≥ 0 that row's gradient is 0, so it stays as it
    /// is (PyTorch's <c>padding_idx</c>).
    /// </summary>
    /// <exception cref="ShapeException">The table is not 2-d.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index, or the padding index, is outside the table.</exception>
    public Tensor Embedding(ReadOnlySpan<int> index, int paddingIndex = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        EmbeddingNode.Apply(this, index, paddingIndex, file, line);
}
