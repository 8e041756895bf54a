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
        if (Node.NeedsNode(x)) Record(New<TSelf>(), y, x, file, line);
        return y;
    }

    protected internal sealed override Tensor Forward(Tensor[] x) => Apply(x[0], "", 0);

    /// <summary>An elementwise op's Jacobian is diagonal, so J·v is Jᵀ·v: the reverse rule applied to the tangent.</summary>
    protected internal sealed override Tensor? Jvp(Tensor y, Tensor?[] t) => t[0] is null ? null : FusedJvp(y, t[0]!) ?? TangentRules.Diagonal(this, t[0]);

    /// <summary>
    /// The rule as one kernel, for an op that has one (tanh): ẏ from y and ẋ, or null to use the
    /// reverse rule's ops. Called only when <see cref="ForwardMode.Plain"/> holds for y and ẋ; it must
    /// equal the ops bit for bit.
    /// </summary>
    protected virtual Tensor? FusedTangent(Tensor y, Tensor t) => null;

    private Tensor? FusedJvp(Tensor y, Tensor t) => ForwardMode.Plain(y, t) ? FusedTangent(y, t) : null;
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
        if (Node.NeedsNode(x))
        {
            var node = New<TSelf>();
            node.C = c;
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal sealed override Tensor Forward(Tensor[] x) => Apply(x[0], C, "", 0);

    /// <summary>Elementwise, so J·v is the reverse rule applied to the tangent (as for <see cref="UnaryNode{TSelf, K}"/>).</summary>
    protected internal sealed override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Diagonal(this, t[0]);
}
