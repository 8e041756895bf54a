namespace AutoGrad.Autograd;

/// <summary>
/// alias: a new handle on a tensor's storage and shape, recorded when the tensor has a graph or a
/// tangent: how forward mode makes a dual tensor from a primal (and a primal from a dual) without
/// changing the caller's tensor, while the result stays on its graph. The tape's own primitive,
/// like grad_sum: forward mode needs it below the ops.
/// </summary>
internal sealed class AliasNode : Node, INodeType<AliasNode>
{
    public static AliasNode Create() => new();

    public override string Name => "alias";
    public override string Rule => "y = x (the same storage, a new handle);  ∂y/∂x = 1";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x)
    {
        var y = Tensor.View(x.ShapeArray, x.DType, x.Storage);
        if (NeedsNode(x)) Record(New<AliasNode>(), y, x, "", 0);
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0]);
    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => t[0];
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g;
}
