using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>flip: the order of elements reversed along some axes (a copy); its own adjoint, so G is flipped back.</summary>
internal sealed class FlipNode : Node, INodeType<FlipNode>
{
    public static FlipNode Create() => new();

    private int[] _axes = [];

    public override string Name => "flip";
    public override string Rule => "elements reversed along axes;  G flipped back";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int[] axes, string file, int line)
    {
        var ax = Shapes.NormalizeAxes("flip", axes, x.Rank);
        var y = Tensor.EmptyLike(x);
        Launch.Run(new FlipLaunch(x, y, ax), x);
        if (Node.NeedsNode(x))
        {
            var node = New<FlipNode>();
            node._axes = ax;
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axes, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = Apply(g, _axes, "", 0);

    /// <summary>Copies x into y, then reverses y in place along each axis (block swaps of the inner size).</summary>
    private readonly struct FlipLaunch(Tensor x, Tensor y, int[] axes) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Flip<float>(x.SpanF, y.SpanF); else Flip<double>(x.SpanD, y.SpanD);
        }

        private void Flip<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged
        {
            src.CopyTo(dst);
            foreach (int a in axes)
            {
                var (outer, n, inner) = Dispatch.Split(x.ShapeArray, a);
                for (int o = 0; o < outer; o++)
                    for (int j = 0; j < n / 2; j++)
                    {
                        var p = dst.Slice((o * n + j) * inner, inner);
                        var q = dst.Slice((o * n + n - 1 - j) * inner, inner);
                        for (int i = 0; i < inner; i++) (p[i], q[i]) = (q[i], p[i]);
                    }
            }
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>Reverses the order of elements along <paramref name="axes"/> (torch.flip; a copy, as in PyTorch).</summary>
    /// <exception cref="ShapeException">An axis is out of range or repeated.</exception>
    public Tensor Flip(int[] axes, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(axes);
        return FlipNode.Apply(this, axes, file, line);
    }

    /// <summary>Reverses the order of elements along the given axes; see <see cref="Flip(int[], string, int)"/>.</summary>
    public Tensor Flip(params int[] axes) => Flip(axes, "", 0);
}
