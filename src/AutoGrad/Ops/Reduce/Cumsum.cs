using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// cumsum: running sums along one axis, y_k = Σ_{j≤k} x_j (or, reversed, Σ_{j≥k} x_j). Linear: the
/// gradient is the reversed cumsum of G, so gradients of any order go through the same node.
/// </summary>
internal sealed class CumsumNode : Node, INodeType<CumsumNode>
{
    public static CumsumNode Create() => new();

    private int _axis;
    private bool _reverse;

    public override string Name => "cumsum";
    public override string Rule => "y_k = Σ_{j≤k} x_j along an axis;  G summed from the end: (∂L/∂x)_j = Σ_{k≥j} G_k";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int axis, bool reverse, string file, int line)
    {
        int a = Shapes.NormalizeAxis("cumsum", axis, x.Rank);
        var y = Tensor.EmptyLike(x);
        var (outer, n, inner) = Dispatch.Split(x.ShapeArray, a);
        Launch.Run(new CumsumLaunch(x, y, outer, n, inner, reverse), x);
        if (Node.NeedsNode(x))
        {
            var node = New<CumsumNode>();
            (node._axis, node._reverse) = (a, reverse);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, _reverse, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = Apply(g, _axis, !_reverse, "", 0);

    private readonly struct CumsumLaunch(Tensor x, Tensor y, int outer, int n, int inner, bool reverse) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Scan<float>(x.SpanF, y.SpanF); else Scan<double>(x.SpanD, y.SpanD);
        }

        private void Scan<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    T s = T.Zero;
                    for (int t = 0; t < n; t++)
                    {
                        int j = reverse ? n - 1 - t : t, at = (o * n + j) * inner + i;
                        s += src[at];
                        dst[at] = s;
                    }
                }
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Running sums along <paramref name="axis"/> (torch.cumsum): y_k = x_0 + … + x_k, summed in
    /// order. The gradient is the running sum of G from the end.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    public Tensor Cumsum(int axis, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        CumsumNode.Apply(this, axis, reverse: false, file, line);
}
