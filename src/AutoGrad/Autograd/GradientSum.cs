using AutoGrad.Kernels;

namespace AutoGrad.Autograd;

/// <summary>
/// grad_sum: the tape's own primitive, the sum of two gradients of one tensor (a tensor read by
/// two ops gets the sum of both gradients). The tape needs it below the ops (it never calls an
/// op); it is recorded only when backward records a graph (create-graph), so a second derivative
/// goes through it. The same kernel as add, so the sums are bit for bit those of <c>a + b</c>.
/// </summary>
internal sealed class GradientSumNode : Node, INodeType<GradientSumNode>
{
    public static GradientSumNode Create() => new();

    public override string Name => "grad_sum";
    public override string Rule => "y = a + b (a and b of one shape and dtype);  ∂y/∂a = 1, ∂y/∂b = 1";
    protected override bool SavesInput(int i) => false;

    /// <summary>y = a + b, recorded when either requires grad and the tape records.</summary>
    public static Tensor Apply(Tensor a, Tensor b)
    {
        var y = Tensor.Empty(a.ShapeArray, a.DType);
        Launch.Run(new BinaryLaunch<AddKernel>(a, b, y), a, b);
        if (Node.NeedsNode(a, b)) Record(New<GradientSumNode>(), y, a, b, "", 0);
        return y;
    }

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => t[0] is null ? t[1] : t[1] is null ? t[0] : Apply(t[0]!, t[1]!);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = g;
        if (NeedsGrad(1)) grads[1] = g;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x[1]);
}
