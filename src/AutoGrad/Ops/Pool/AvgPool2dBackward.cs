using AutoGrad.Autograd;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// avg_pool2d_backward: average pooling's gradient as an op of its own, G/n spread over each
/// window into a zero tensor of the input's shape. Its adjoint is the pooling itself, so a
/// backward recorded under create-graph is differentiable again.
/// </summary>
internal sealed class AvgPool2dBackwardNode : Node, INodeType<AvgPool2dBackwardNode>
{
    public static AvgPool2dBackwardNode Create() => new();

    private Pool2dGeometry _g;
    private bool _countIncludePad;

    public override string Name => "avg_pool2d_backward";
    public override string Rule => "dx = Σ over the windows holding x of G/n;  ∂L/∂G = the incoming gradient average-pooled (avg_pool2d)";
    protected override bool SavesInput(int i) => false;

    /// <summary>dx of <paramref name="inputShape"/> from dy.</summary>
    public static Tensor Apply(Tensor dy, in Pool2dGeometry g, bool countIncludePad, int[] inputShape, string file, int line)
    {
        var dx = Tensor.Empty(inputShape, dy.DType);
        Launch.Run(new SpreadLaunch(dy, dx, g, countIncludePad), dy);
        if (Node.NeedsNode(dy))
        {
            var node = New<AvgPool2dBackwardNode>();
            (node._g, node._countIncludePad) = (g, countIncludePad);
            Record(node, dx, dy, file, line);
        }
        return dx;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _g, _countIncludePad, OutputShape, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => Ops.TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = AvgPool2dNode.Apply(g, _g, _countIncludePad, "", 0);

    private readonly struct SpreadLaunch(Tensor dy, Tensor dx, Pool2dGeometry g, bool countIncludePad) : ILaunch
    {
        public void Run()
        {
            if (dy.DType == DType.Float32) Pooling.AvgBackward<float>(dy.SpanF, g, countIncludePad, dx.SpanF, 0, g.Planes);
            else Pooling.AvgBackward<double>(dy.SpanD, g, countIncludePad, dx.SpanD, 0, g.Planes);
        }
    }
}
