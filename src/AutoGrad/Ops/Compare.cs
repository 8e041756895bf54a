using System.Runtime.CompilerServices;
using AutoGrad.Kernels;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

public sealed partial class Tensor
{
    // Comparisons are not differentiable: their outputs are 0/1 constants of the inputs' dtype.
    private static Tensor Compare<K>(string op, Tensor a, Tensor b) where K : IBinaryKernel => Binary<K>(op, a, b);

    // lt and le run the gt and ge kernels on (b, a): the operands are checked in the user's order
    // first, so an error lists them as written.
    private static Tensor CompareSwapped<K>(string op, Tensor a, Tensor b) where K : IBinaryKernel
    {
        Guard.SameDType(op, a, b);
        if (!Shapes.Equal(a.ShapeArray, b.ShapeArray)) Shapes.BroadcastKept(op, a.ShapeArray, b.ShapeArray);
        return Binary<K>(op, b, a);
    }

    /// <summary>1 where a &gt; b, else 0 (broadcasting; not differentiable).</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Compare<GreaterKernel>("gt", a, b);

    /// <summary>1 where a ≥ b, else 0.</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Compare<GreaterEqualKernel>("ge", a, b);

    /// <summary>1 where a &lt; b, else 0.</summary>
    public static Tensor Lt(Tensor a, Tensor b) => CompareSwapped<GreaterKernel>("lt", a, b);

    /// <summary>1 where a ≤ b, else 0.</summary>
    public static Tensor Le(Tensor a, Tensor b) => CompareSwapped<GreaterEqualKernel>("le", a, b);

    /// <summary>1 where a == b, else 0.</summary>
    public static Tensor Eq(Tensor a, Tensor b) => Compare<EqualKernel>("eq", a, b);

    /// <summary>1 where a != b (or either is NaN), else 0.</summary>
    public static Tensor Ne(Tensor a, Tensor b) => Compare<NotEqualKernel>("ne", a, b);

    /// <summary>1 where this &gt; c, else 0.</summary>
    public Tensor Gt(double c) => Gt(this, Full(c, DType));

    /// <summary>1 where this ≥ c, else 0.</summary>
    public Tensor Ge(double c) => Ge(this, Full(c, DType));

    /// <summary>1 where this &lt; c, else 0.</summary>
    public Tensor Lt(double c) => Lt(this, Full(c, DType));

    /// <summary>1 where this ≤ c, else 0.</summary>
    public Tensor Le(double c) => Le(this, Full(c, DType));

    /// <summary>1 where this == c, else 0.</summary>
    public Tensor Eq(double c) => Eq(this, Full(c, DType));

    /// <summary>Elementwise a &gt; b as 0/1.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => Gt(a, b);

    /// <summary>Elementwise a &lt; b as 0/1.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => Lt(a, b);

    /// <summary>Elementwise a ≥ b as 0/1.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => Ge(a, b);

    /// <summary>Elementwise a ≤ b as 0/1.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => Le(a, b);

    /// <summary>Elementwise x &gt; c as 0/1.</summary>
    public static Tensor operator >(Tensor a, double c) => a.Gt(c);

    /// <summary>Elementwise x &lt; c as 0/1.</summary>
    public static Tensor operator <(Tensor a, double c) => a.Lt(c);

    /// <summary>Elementwise x ≥ c as 0/1.</summary>
    public static Tensor operator >=(Tensor a, double c) => a.Ge(c);

    /// <summary>Elementwise x ≤ c as 0/1.</summary>
    public static Tensor operator <=(Tensor a, double c) => a.Le(c);
}
