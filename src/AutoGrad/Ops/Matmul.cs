using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// matmul: C = op(A)·op(B) over the last two axes (batched over equal leading axes), where op
/// transposes when its flag is set. dA and dB are matmuls of G with the other operand, with the
/// flags chosen so no transpose is ever materialized.
/// </summary>
internal sealed class MatmulNode : Node, INodeType<MatmulNode>
{
    public static MatmulNode Create() => new();

    private bool _transA, _transB;

    public override string Name => "matmul";
    public override string Rule => "Y = op(A)·op(B), op = identity or transpose;  ∂L/∂op(A) = G·op(B)ᵀ, ∂L/∂op(B) = op(A)ᵀ·G";
    protected override bool SavesInput(int i) => NeedsGrad(1 - i);

    public static Tensor Apply(Tensor a, Tensor b, bool transA, bool transB, string file, int line)
    {
        Guard.SameDType("matmul", a, b);
        if (a.Rank < 2 || b.Rank < 2 || a.Rank != b.Rank) throw ShapeErrors.MatmulTRanks(a.ShapeArray, transA, b.ShapeArray, transB);
        for (int d = 0; d < a.Rank - 2; d++)
            if (a.ShapeArray[d] != b.ShapeArray[d]) throw ShapeErrors.MatmulTBatch(a.ShapeArray, transA, b.ShapeArray, transB, d);
        int ra = a.ShapeArray[^2], ca = a.ShapeArray[^1], rb = b.ShapeArray[^2], cb = b.ShapeArray[^1];
        int m = transA ? ca : ra, k = transA ? ra : ca;
        int kb = transB ? cb : rb, n = transB ? rb : cb;
        if (k != kb)
            throw ShapeErrors.InnerMismatch(a.ShapeArray, transA, b.ShapeArray, transB, transA ? a.Rank - 2 : a.Rank - 1, transB ? b.Rank - 1 : b.Rank - 2);
        var y = Tensor.Empty(Shapes.WithMatrix(a.ShapeArray, m, n), a.DType);
        Launch.Run(new MatmulLaunch(a, b, y, transA, transB, k), a, b);
        if (Node.NeedsNode(a, b))
        {
            var node = New<MatmulNode>();
            (node._transA, node._transB) = (transA, transB);
            Record(node, y, a, b, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x[1], _transA, _transB, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Bilinear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        Tensor a = Input(0), b = Input(1);
        bool transA = _transA, transB = _transB;
        if (NeedsGrad(0))
            grads[0] = (transA, transB) switch
            {
                (false, false) => Tensor.MatmulT(g, b, false, true),
                (false, true) => Tensor.MatmulT(g, b, false, false),
                (true, false) => Tensor.MatmulT(b, g, false, true),
                (true, true) => Tensor.MatmulT(b, g, true, true),
            };
        if (NeedsGrad(1))
            grads[1] = (transA, transB) switch
            {
                (false, false) => Tensor.MatmulT(a, g, true, false),
                (false, true) => Tensor.MatmulT(g, a, true, false),
                (true, false) => Tensor.MatmulT(a, g, false, false),
                (true, true) => Tensor.MatmulT(g, a, true, true),
            };
    }

    /// <summary>y = op(a)·op(b) per batch, shapes already checked; y is [..., m, n].</summary>
    private readonly struct MatmulLaunch(Tensor a, Tensor b, Tensor y, bool transA, bool transB, int k) : ILaunch
    {
        public void Run()
        {
            int m = y.ShapeArray[^2], n = y.ShapeArray[^1];
            int ca = a.ShapeArray[^1], cb = b.ShapeArray[^1];
            int batches = Shapes.Numel(a.ShapeArray.AsSpan(0, a.Rank - 2));
            int sa = a.ShapeArray[^2] * ca, sb = b.ShapeArray[^2] * cb, sc = m * n;
            for (int bi = 0; bi < batches; bi++)
            {
                if (a.DType == DType.Float32)
                    Gemm.Multiply(transA, transB, m, n, k, a.SpanF.Slice(bi * sa, sa), ca, b.SpanF.Slice(bi * sb, sb), cb, y.SpanF.Slice(bi * sc, sc), n, false);
                else
                    Gemm.Multiply(transA, transB, m, n, k, a.SpanD.Slice(bi * sa, sa), ca, b.SpanD.Slice(bi * sb, sb), cb, y.SpanD.Slice(bi * sc, sc), n, false);
            }
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product. 2-d: [m,k]·[k,n] → [m,n]. Batched: [..., m, k]·[..., k, n] with the
    /// leading axes broadcast. A 1-d operand is treated as a row (left) or column (right) vector
    /// and that axis is dropped from the result (the primitive is <see cref="MatmulT"/>).
    /// </summary>
    /// <exception cref="ShapeException">The inner dimensions differ, or the batch axes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Matmul(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Guard.SameDType("matmul", a, b);
        if (a.Rank == 0 || b.Rank == 0)
            throw ShapeErrors.MatmulScalar(a.ShapeArray, b.ShapeArray);
        // The inner size: a's last dimension against b's second-to-last (its only one for a vector).
        int innerB = Math.Max(b.Rank - 2, 0);
        if (a.ShapeArray[^1] != b.ShapeArray[innerB])
            throw ShapeErrors.InnerMismatch(a.ShapeArray, false, b.ShapeArray, false, a.Rank - 1, innerB);
        if (a.Rank == 1 || b.Rank == 1)
        {
            using var scope = SourceSite.Enter("matmul", file, line);
            var a2 = a.Rank == 1 ? a.Unsqueeze(0) : a;
            var b2 = b.Rank == 1 ? b.Unsqueeze(-1) : b;
            var r = Matmul(a2, b2);
            if (b.Rank == 1) r = r.Squeeze(-1);
            if (a.Rank == 1) r = r.Squeeze(r.Rank == 1 ? 0 : -2);
            return r;
        }
        if (a.Rank == 2 && b.Rank == 2) return MatmulT(a, b, false, false, file, line);
        var batchA = a.ShapeArray[..^2];
        var batchB = b.ShapeArray[..^2];
        if (!Shapes.TryBroadcast(batchA, batchB, out var batch)) throw ShapeErrors.BatchNotBroadcastable(a.ShapeArray, b.ShapeArray);
        using var _ = SourceSite.Enter("matmul", file, line);
        var ea = a.Expand([.. batch, a.ShapeArray[^2], a.ShapeArray[^1]]);
        var eb = b.Expand([.. batch, b.ShapeArray[^2], b.ShapeArray[^1]]);
        return MatmulT(ea, eb, false, false);
    }

    /// <summary>Instance form of <see cref="Matmul(Tensor, Tensor, string, int)"/>.</summary>
    public Tensor Matmul(Tensor other, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Matmul(this, other, file, line);

    /// <summary>
    /// op(a)·op(b) over the last two axes with equal leading (batch) axes, where op transposes the
    /// last two axes when its flag is set. The transposes are never materialized.
    /// </summary>
    /// <exception cref="ShapeException">Ranks below 2, batch axes differ, or inner dimensions differ.</exception>
    public static Tensor MatmulT(Tensor a, Tensor b, bool transA, bool transB, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        MatmulNode.Apply(a, b, transA, transB, file, line);
}
