using AutoGrad.Autograd;
using AutoGrad.Kernels;

namespace AutoGrad.Ops;

/// <summary>
/// The forward of a binary elementwise primitive with NumPy broadcasting: <see cref="Apply"/> runs
/// the kernel <typeparamref name="K"/> and records a <typeparamref name="TSelf"/>. Gradients are
/// reduced back to each input's shape by <c>SumToShape</c>, the one place where broadcasting is undone.
/// </summary>
internal abstract class BinaryNode<TSelf, K> : Node where TSelf : BinaryNode<TSelf, K>, INodeType<TSelf> where K : IBinaryKernel
{
    private static readonly string s_name = TSelf.Create().Name;

    public static Tensor Apply(Tensor a, Tensor b, string file, int line)
    {
        var y = Dispatch.Binary<K>(s_name, a, b);
        if (Node.NeedsNode(a, b)) Record(New<TSelf>(), y, a, b, file, line);
        return y;
    }

    protected internal sealed override Tensor Forward(Tensor[] x) => Apply(x[0], x[1], "", 0);
}

/// <summary>
/// The reverse rule shared by the two products, mul and safe_mul: ∂y/∂a = b, ∂y/∂b = a (each times G
/// with <c>SafeMul</c>, summed back over broadcast axes).
/// </summary>
internal abstract class ProductNode<TSelf, K> : BinaryNode<TSelf, K> where TSelf : ProductNode<TSelf, K>, INodeType<TSelf> where K : IBinaryKernel
{
    protected override bool SavesInput(int i) => NeedsGrad(1 - i);

    protected internal sealed override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Sum(t[0]?.SafeMul(Input(1)), t[1]?.SafeMul(Input(0)), y.ShapeArray);

    protected internal sealed override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = g.SafeMul(Input(1)).SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = g.SafeMul(Input(0)).SumToShape(Input(1).ShapeArray);
    }
}
