using AutoGrad.Autograd;

namespace AutoGrad.Ops;

/// <summary>The forward-mode (JVP) rules many ops share: linear ops, bilinear ops, and a sum of tangent terms.</summary>
internal static class TangentRules
{
    /// <summary>
    /// The rule of an op linear in its inputs (reshape, slice, sum, gather, pooling windows, ...): the
    /// op itself, with its parameters, applied to the tangents (zeros for an input without one).
    /// </summary>
    public static Tensor? Linear(Node node, Tensor?[] t)
    {
        if (t.Length == 1) return t[0] is null ? null : node.Forward([t[0]!]);
        bool any = false;
        foreach (var ti in t) any |= ti is not null;
        if (!any) return null;
        var xs = new Tensor[t.Length];
        for (int i = 0; i < xs.Length; i++) xs[i] = t[i] ?? Tensor.ZerosLike(node.Input(i));
        return node.Forward(xs);
    }

    /// <summary>
    /// The rule of an elementwise op of one input: its Jacobian is diagonal, so J·v is Jᵀ·v, the
    /// op's reverse rule applied to the tangent.
    /// </summary>
    public static Tensor? Diagonal(Node node, Tensor? t)
    {
        if (t is null) return null;
        var r = new Tensor?[1];
        node.Backward(t, r);
        return r[0];
    }

    /// <summary>The rule of an op of two inputs linear in each (matmul, the convolution's gradients): f(ȧ, b) + f(a, ḃ).</summary>
    public static Tensor? Bilinear(Node node, Tensor?[] t) =>
        TangentRules.Sum(t[0] is null ? null : node.Forward([t[0]!, node.Input(1)]), t[1] is null ? null : node.Forward([node.Input(0), t[1]!]), node.OutputShape);

    /// <summary>
    /// The sum of tangent terms, either of which may be null (zero), broadcast to the output's
    /// <paramref name="shape"/> (the term of a broadcast input has that input's shape).
    /// </summary>
    public static Tensor? Sum(Tensor? a, Tensor? b, int[] shape)
    {
        var s = a is null ? b : b is null ? a : a + b;
        return s is null || Shapes.Equal(s.ShapeArray, shape) ? s : s.Expand(shape);
    }
}
