using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

// Binary primitives with NumPy broadcasting. Gradients are reduced back to each input's shape by
// SumToShape, the one place where broadcasting is undone.

/// <summary>y = a + b; dy/da = 1, dy/db = 1.</summary>
internal sealed class AddNode : Node
{
    public override string Name => "add";
    public override string Rule => "y = a + b;  ∂y/∂a = 1, ∂y/∂b = 1";
    protected internal override Tensor Forward(Tensor[] x) => Tensor.Add(x[0], x[1]);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = g.SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = g.SumToShape(Input(1).ShapeArray);
    }
}

/// <summary>y = a − b; dy/da = 1, dy/db = −1.</summary>
internal sealed class SubNode : Node
{
    public override string Name => "sub";
    public override string Rule => "y = a − b;  ∂y/∂a = 1, ∂y/∂b = −1";
    protected internal override Tensor Forward(Tensor[] x) => Tensor.Sub(x[0], x[1]);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = g.SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = (-g).SumToShape(Input(1).ShapeArray);
    }
}

/// <summary>y = a·b; dy/da = b, dy/db = a.</summary>
internal sealed class MulNode : Node
{
    public override string Name => "mul";
    public override string Rule => "y = a·b;  ∂y/∂a = b, ∂y/∂b = a";
    protected internal override Tensor Forward(Tensor[] x) => Tensor.Mul(x[0], x[1]);
    protected override bool SavesInput(int i) => NeedsGrad(1 - i);
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = g.SafeMul(Input(1)).SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = g.SafeMul(Input(0)).SumToShape(Input(1).ShapeArray);
    }
}

/// <summary>y = a/b; dy/da = 1/b, dy/db = −a/b² = −y/b.</summary>
internal sealed class DivNode : Node
{
    public override string Name => "div";
    public override string Rule => "y = a/b;  ∂y/∂a = 1/b, ∂y/∂b = −a/b²";
    protected internal override Tensor Forward(Tensor[] x) => Tensor.Div(x[0], x[1]);
    protected override bool SavesInput(int i) => i == 1 || NeedsGrad(1);
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var b = Input(1);
        if (NeedsGrad(0)) grads[0] = g.SafeMul(b.Pow(-1)).SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = g.SafeMul(-Output / b).SumToShape(b.ShapeArray);
    }
}

/// <summary>y = a·b, but 0 when either factor is 0; dy/da = b, dy/db = a (with the same rule).</summary>
internal sealed class SafeMulNode : Node
{
    public override string Name => "safe_mul";
    public override string Rule => "y = a·b (0 if a or b is 0);  ∂y/∂a = b, ∂y/∂b = a";
    protected internal override Tensor Forward(Tensor[] x) => Tensor.SafeMul(x[0], x[1]);
    protected override bool SavesInput(int i) => NeedsGrad(1 - i);
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = g.SafeMul(Input(1)).SumToShape(Input(0).ShapeArray);
        if (NeedsGrad(1)) grads[1] = g.SafeMul(Input(0)).SumToShape(Input(1).ShapeArray);
    }
}

public sealed partial class Tensor
{
    private static Tensor BinaryOp<K, TNode>(string op, Tensor a, Tensor b, string file, int line) where K : IBinaryKernel where TNode : Node, new()
    {
        var y = Binary<K>(op, a, b);
        if (ShouldRecord(a, b)) Node.Record(new TNode(), y, a, b, file, line);
        return y;
    }

    /// <summary>y = a + b with broadcasting; dy/da = 1, dy/db = 1 (summed over broadcast dimensions).</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Add(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        BinaryOp<AddKernel, AddNode>("add", a, b, file, line);

    /// <summary>y = a − b with broadcasting; dy/da = 1, dy/db = −1.</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    public static Tensor Sub(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        BinaryOp<SubKernel, SubNode>("sub", a, b, file, line);

    /// <summary>y = a·b elementwise with broadcasting; dy/da = b, dy/db = a.</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    public static Tensor Mul(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        BinaryOp<MulKernel, MulNode>("mul", a, b, file, line);

    /// <summary>y = a/b elementwise with broadcasting; dy/da = 1/b, dy/db = −a/b².</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    public static Tensor Div(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        BinaryOp<DivKernel, DivNode>("div", a, b, file, line);

    /// <summary>
    /// y = a·b, except y = 0 wherever a or b is exactly 0 (even if the other is ±∞ or NaN). Backward
    /// rules use it to keep structurally zero gradients zero; dy/da = b, dy/db = a.
    /// </summary>
    public static Tensor SafeMul(Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        BinaryOp<SafeMulKernel, SafeMulNode>("safe_mul", a, b, file, line);

    /// <summary>Instance form of <see cref="SafeMul(Tensor, Tensor, string, int)"/>.</summary>
    public Tensor SafeMul(Tensor other, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => SafeMul(this, other, file, line);

    /// <summary>this · c, except 0 where this is 0 (c may be ±∞).</summary>
    public Tensor SafeMul(double c, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        double.IsFinite(c) ? MulScalar(c, file, line) : SafeMul(this, Full(c, DType), file, line);

    /// <summary>y = xᵇ elementwise for a tensor exponent, as e^{b·ln x}: defined for x &gt; 0.</summary>
    public static Tensor Pow(Tensor x, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = SourceSite.Enter("pow", file, line);
        return (b * x.Log()).Exp();
    }

    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b, "", 0);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b, "", 0);

    /// <summary>Elementwise product with broadcasting (not matrix multiply: see <see cref="Matmul(Tensor, Tensor, string, int)"/>).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b, "", 0);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b, "", 0);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg("", 0);

    /// <summary>x + c.</summary>
    public static Tensor operator +(Tensor a, double c) => a.AddScalar(c, "", 0);

    /// <summary>c + x.</summary>
    public static Tensor operator +(double c, Tensor a) => a.AddScalar(c, "", 0);

    /// <summary>x − c.</summary>
    public static Tensor operator -(Tensor a, double c) => a.AddScalar(-c, "", 0);

    /// <summary>c − x.</summary>
    public static Tensor operator -(double c, Tensor a) => a.Neg("", 0).AddScalar(c, "", 0);

    /// <summary>x · c.</summary>
    public static Tensor operator *(Tensor a, double c) => a.MulScalar(c, "", 0);

    /// <summary>c · x.</summary>
    public static Tensor operator *(double c, Tensor a) => a.MulScalar(c, "", 0);

    /// <summary>x / c.</summary>
    public static Tensor operator /(Tensor a, double c) => a.MulScalar(1.0 / c, "", 0);

    /// <summary>c / x.</summary>
    public static Tensor operator /(double c, Tensor a) => a.Pow(-1, "", 0).MulScalar(c, "", 0);
}
