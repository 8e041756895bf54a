using AutoGrad.Autograd;
using AutoGrad.Kernels;

namespace AutoGrad.Ops;

/// <summary>
/// The forward of a unary elementwise primitive: <see cref="Apply"/> runs the kernel
/// <typeparamref name="K"/> into a new tensor and records a <typeparamref name="TSelf"/>. Each op's
/// file adds its rule and its backward.
/// </summary>
internal abstract class UnaryNode<TSelf, K> : Node where TSelf : UnaryNode<TSelf, K>, INodeType<TSelf> where K : IUnaryKernel
{
    public static Tensor Apply(Tensor x, string file, int line)
    {
        var y = Dispatch.Unary<K>(x);
        if (Dispatch.ShouldRecord(x)) Record(New<TSelf>(), y, x, file, line);
        return y;
    }

    protected internal sealed override Tensor Forward(Tensor[] x) => Apply(x[0], "", 0);
}

/// <summary>
/// The forward of a unary elementwise primitive with a constant parameter c (pow's exponent, the
/// scalar of x + c and c·x): <see cref="Apply"/> runs <typeparamref name="K"/> with c and records a
/// <typeparamref name="TSelf"/> that keeps c for its backward.
/// </summary>
internal abstract class ScalarNode<TSelf, K> : Node where TSelf : ScalarNode<TSelf, K>, INodeType<TSelf> where K : IUnaryKernel
{
    /// <summary>The op's constant.</summary>
    protected double C { get; private set; }

    public static Tensor Apply(Tensor x, double c, string file, int line)
    {
        var y = Dispatch.Unary<K>(x, c);
        if (Dispatch.ShouldRecord(x))
        {
            var node = New<TSelf>();
            node.C = c;
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal sealed override Tensor Forward(Tensor[] x) => Apply(x[0], C, "", 0);
}
