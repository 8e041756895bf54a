using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// batch_norm: training-mode batch normalization of [N, C, ...] with an optional scale γ [C], as
/// one fused op (the statistics, the normalization and the backward in two or three passes each,
/// where the composition of mean, sub, mul and pow takes about fifteen). The shift β is added by
/// the caller. Under create-graph the backward is written in recorded ops, the statistics
/// recomputed from x, so second derivatives flow through μ and σ² too.
/// </summary>
internal sealed class BatchNormNode : Node, INodeType<BatchNormNode>
{
    public static BatchNormNode Create() => new();

    private Tensor? _stats;
    private double _eps;

    public override string Name => "batch_norm";
    public override string Rule => "y = x̂·γ, x̂ = (x − μ)/√(σ² + eps) per channel (batch mean and biased variance);  ∂L/∂x = γ/√(σ² + eps)·(G − mean(G) − x̂·mean(G·x̂)), ∂L/∂γ = Σ G·x̂";
    protected override void ReleaseSaved() => _stats = null;

    /// <summary>
    /// The normalized (and scaled) x, and the [2, C] statistics: row 0 the means, row 1 the
    /// biased variances. The caller has checked the shapes: x [N, C, ...] with at least 2 values
    /// per channel, γ [C] or null, one dtype.
    /// </summary>
    public static (Tensor Y, Tensor Stats) Apply(Tensor x, Tensor? weight, double eps, string file, int line)
    {
        int c = x.ShapeArray[1];
        var stats = Tensor.Empty(Shapes.Keep([2, c]), x.DType);
        var y = Tensor.EmptyLike(x);
        Launch.Run(new ForwardLaunch(x, weight, stats, y, eps), x, weight);
        bool record = weight is null ? Node.NeedsNode(x) : Node.NeedsNode(x, weight);
        if (record)
        {
            var node = New<BatchNormNode>();
            (node._stats, node._eps) = (stats, eps);
            if (weight is null) Record(node, y, x, file, line);
            else Record(node, y, x, weight, file, line);
        }
        return (y, stats);
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x.Length > 1 ? x[1] : null, _eps, "", 0).Y;

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var x = Input(0);
        Tensor? weight = InputCount > 1 ? Input(1) : null;
        bool needX = NeedsGrad(0), needW = weight is not null && NeedsGrad(1);
        if (BackwardInOps(g))
        {
            RecordedBackward(g, x, weight, needX, needW, grads);
            return;
        }
        var dx = needX ? Tensor.EmptyLike(x) : null;
        var dw = needW ? Tensor.EmptyLike(weight!) : null;
        Launch.Run(new BackwardLaunch(x, g, _stats!, weight, _eps, dx, dw), x, g, _stats);
        grads[0] = dx;
        if (weight is not null) grads[1] = dw;
    }

    // The same rule in ops, with x̂ recomputed from x so that it is differentiable too.
    private void RecordedBackward(Tensor g, Tensor x, Tensor? weight, bool needX, bool needW, Tensor?[] grads)
    {
        var (axes, statShape, perChannel, inv, xhat) = Normalized(x);
        if (needW) grads[1] = (g * xhat).Sum(axes).Reshape(weight!.ShapeArray);
        if (!needX) return;
        var gs = weight is null ? g : g * weight.Reshape(statShape);
        grads[0] = inv * (gs - gs.Sum(axes, keepDim: true) * perChannel - xhat * ((gs * xhat).Sum(axes, keepDim: true) * perChannel));
    }

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t)
    {
        Tensor x = Input(0), tx = t[0] ?? Tensor.ZerosLike(x);
        Tensor? weight = InputCount > 1 ? Input(1) : null, tw = InputCount > 1 ? t[1] : null;
        var (axes, statShape, perChannel, inv, xhat) = Normalized(x);
        // ẋ̂ = (ẋ − mean ẋ − x̂·mean(x̂·ẋ))/√(σ² + eps); ẏ = γ·ẋ̂ + γ̇·x̂
        var dxhat = inv * (tx - tx.Sum(axes, keepDim: true) * perChannel - xhat * ((tx * xhat).Sum(axes, keepDim: true) * perChannel));
        var dy = weight is null ? dxhat : dxhat * weight.Reshape(statShape);
        return tw is null ? dy : dy + xhat * tw.Reshape(statShape);
    }

    /// <summary>The reduced axes (all but 1), the [1, C, 1, ...] shape, 1/n per channel, 1/√(σ² + eps) and x̂, in ops from x.</summary>
    private (int[] Axes, int[] StatShape, double PerChannel, Tensor Inv, Tensor Xhat) Normalized(Tensor x)
    {
        Span<int> stat = stackalloc int[x.Rank];
        Span<int> ax = stackalloc int[x.Rank - 1];
        for (int d = 0; d < x.Rank; d++) stat[d] = d == 1 ? x.ShapeArray[1] : 1;
        for (int d = 0, k = 0; d < x.Rank; d++) if (d != 1) ax[k++] = d;
        var statShape = Shapes.Keep(stat);
        var axes = Shapes.Keep(ax);
        // Means as sums times 1/n: Mean is a composition of the layer above.
        double perChannel = 1.0 / (x.Numel / x.ShapeArray[1]);
        var centred = x - x.Sum(axes, keepDim: true) * perChannel;
        var inv = ((centred * centred).Sum(axes, keepDim: true) * perChannel + _eps).Pow(-0.5);
        return (axes, statShape, perChannel, inv, centred * inv);
    }

    private static (int N, int C, int S) View(Tensor x)
    {
        int n = x.ShapeArray[0], c = x.ShapeArray[1];
        return (n, c, n * c == 0 ? 0 : x.Numel / (n * c));
    }

    private readonly struct ForwardLaunch(Tensor x, Tensor? weight, Tensor stats, Tensor y, double eps) : ILaunch
    {
        public void Run()
        {
            var (n, c, s) = View(x);
            if (x.DType == DType.Float32)
            {
                Normalization.BatchStats<float>(x.SpanF, n, c, s, stats.SpanF);
                Normalization.BatchNormalize<float>(x.SpanF, n, c, s, stats.SpanF, (float)eps, weight is null ? default : weight.SpanF, y.SpanF);
            }
            else
            {
                Normalization.BatchStats<double>(x.SpanD, n, c, s, stats.SpanD);
                Normalization.BatchNormalize<double>(x.SpanD, n, c, s, stats.SpanD, eps, weight is null ? default : weight.SpanD, y.SpanD);
            }
        }
    }

    private readonly struct BackwardLaunch(Tensor x, Tensor g, Tensor stats, Tensor? weight, double eps, Tensor? dx, Tensor? dw) : ILaunch
    {
        public void Run()
        {
            var (n, c, s) = View(x);
            if (x.DType == DType.Float32)
                Normalization.BatchNormalizeBackward<float>(x.SpanF, g.SpanF, n, c, s, stats.SpanF, (float)eps,
                    weight is null ? default : weight.SpanF, dx is null ? default : dx.SpanF, dw is null ? default : dw.SpanF);
            else
                Normalization.BatchNormalizeBackward<double>(x.SpanD, g.SpanD, n, c, s, stats.SpanD, eps,
                    weight is null ? default : weight.SpanD, dx is null ? default : dx.SpanD, dw is null ? default : dw.SpanD);
        }
    }
}
