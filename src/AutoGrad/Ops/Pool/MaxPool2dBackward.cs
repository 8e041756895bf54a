using AutoGrad.Autograd;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// max_pool2d_backward: max pooling's gradient as an op of its own, the gradient of each output
/// added into a zero tensor of the input's shape at the position its window's maximum came
/// from. It is linear in G, and its own gradient picks at the same positions (a max_pool2d node
/// replaying the saved indices), so a backward recorded under create-graph is differentiable again.
/// </summary>
internal sealed class MaxPool2dBackwardNode : Node, INodeType<MaxPool2dBackwardNode>
{
    public static MaxPool2dBackwardNode Create() => new();

    private Pool2dGeometry _g;
    private Tensor? _argmax;

    public override string Name => "max_pool2d_backward";
    public override string Rule => "dx = G added at each window's saved arg-max, 0 elsewhere;  ∂L/∂G = the incoming gradient picked at those positions (max_pool2d)";
    protected override bool SavesInput(int i) => false;
    protected override void ReleaseSaved() => _argmax = null;

    /// <summary>dx of <paramref name="inputShape"/> from dy and the positions a max_pool2d saved.</summary>
    public static Tensor Apply(Tensor dy, Tensor argmax, in Pool2dGeometry g, int[] inputShape, string file, int line)
    {
        var dx = Tensor.Empty(inputShape, dy.DType);
        Launch.Run(new ScatterLaunch(dy, argmax, dx, g), dy, argmax);
        if (Node.NeedsNode(dy))
        {
            var node = New<MaxPool2dBackwardNode>();
            (node._g, node._argmax) = (g, argmax);
            Record(node, dx, dy, file, line);
        }
        return dx;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _argmax!, _g, OutputShape, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => Ops.TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = MaxPool2dNode.Pick(g, _argmax!, _g, "", 0);

    private readonly struct ScatterLaunch(Tensor dy, Tensor argmax, Tensor dx, Pool2dGeometry g) : ILaunch
    {
        public void Run()
        {
            var at = MaxPool2dNode.Positions(argmax);
            if (dy.DType == DType.Float32) Pooling.MaxScatter<float>(dy.SpanF, at, g, dx.SpanF, 0, g.Planes);
            else Pooling.MaxScatter<double>(dy.SpanD, at, g, dx.SpanD, 0, g.Planes);
        }
    }
}
