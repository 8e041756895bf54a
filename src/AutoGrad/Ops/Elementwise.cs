using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Memory;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

// Unary primitives. Each backward multiplies the incoming gradient by the local derivative with
// SafeMul, so a structurally zero gradient stays zero even where the derivative is ±∞ or NaN.

/// <summary>y = −x; dy/dx = −1.</summary>
internal sealed class NegNode : Node
{
    public override string Name => "neg";
    public override string Rule => "y = −x;  ∂y/∂x = −1";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Neg();
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = -g;
}

/// <summary>y = eˣ; dy/dx = y.</summary>
internal sealed class ExpNode : Node
{
    public override string Name => "exp";
    public override string Rule => "y = eˣ;  ∂y/∂x = y";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Exp();
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Output);
}

/// <summary>y = ln x; dy/dx = 1/x.</summary>
internal sealed class LogNode : Node
{
    public override string Name => "log";
    public override string Rule => "y = ln x;  ∂y/∂x = 1/x";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Log();
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Input(0).Pow(-1));
}

/// <summary>y = √x; dy/dx = 1/(2y).</summary>
internal sealed class SqrtNode : Node
{
    public override string Name => "sqrt";
    public override string Rule => "y = √x;  ∂y/∂x = 1/(2y)";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Sqrt();
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Output.Pow(-1) * 0.5);
}

/// <summary>y = |x|; dy/dx = sign(x) (0 at the kink, between the one-sided −1 and 1).</summary>
internal sealed class AbsNode : Node
{
    public override string Name => "abs";
    public override string Rule => "y = |x|;  ∂y/∂x = sign(x)";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Abs();
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Input(0).Sign());
}

/// <summary>y = sign(x); dy/dx = 0 (almost everywhere).</summary>
internal sealed class SignNode : Node
{
    public override string Name => "sign";
    public override string Rule => "y = sign(x);  ∂y/∂x = 0";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Sign();
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = Tensor.EmptyZeroed(g.ShapeArray, g.DType);
}

/// <summary>y = tanh x; dy/dx = 1 − y².</summary>
internal sealed class TanhNode : Node
{
    public override string Name => "tanh";
    public override string Rule => "y = tanh x;  ∂y/∂x = 1 − y²";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Tanh();
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(1.0 - Output * Output);
}

/// <summary>y = 1/(1+e^{−x}); dy/dx = y(1 − y).</summary>
internal sealed class SigmoidNode : Node
{
    public override string Name => "sigmoid";
    public override string Rule => "y = σ(x);  ∂y/∂x = y(1 − y)";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Sigmoid();
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Output * (1.0 - Output));
}

/// <summary>y = max(x, 0); dy/dx = 1 for x &gt; 0, else 0 (0 at the kink).</summary>
internal sealed class ReluNode : Node
{
    public override string Name => "relu";
    public override string Rule => "y = max(x, 0);  ∂y/∂x = [x > 0]";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Relu();
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = Tensor.ReluGrad(Input(0), g);
}

/// <summary>
/// ReLU's backward as one fused pass: y = [x &gt; 0]·g. Linear in g (its gradient is ReluGrad(x, ·)
/// again); zero almost everywhere in x, so x gets no gradient.
/// </summary>
internal sealed class ReluGradNode : Node
{
    public override string Name => "relu_grad";
    public override string Rule => "y = [x > 0]·g (ReLU backward);  ∂y/∂g = [x > 0]";
    protected override bool SavesInput(int i) => i == 0;
    protected internal override Tensor Forward(Tensor[] x) => Tensor.ReluGrad(x[0], x[1]);
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(1)) grads[1] = Tensor.ReluGrad(Input(0), g);
    }
}

/// <summary>y = ln(1 + eˣ); dy/dx = σ(x).</summary>
internal sealed class SoftplusNode : Node
{
    public override string Name => "softplus";
    public override string Rule => "y = ln(1 + eˣ);  ∂y/∂x = σ(x)";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Softplus();
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(Input(0).Sigmoid());
}

/// <summary>y = xᵖ for a constant p; dy/dx = p·x^{p−1}.</summary>
internal sealed class PowNode(double p) : Node
{
    public override string Name => "pow";
    public override string Rule => "y = xᵖ;  ∂y/∂x = p·xᵖ⁻¹";
    protected internal override Tensor Forward(Tensor[] x) => x[0].Pow(p);
    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = p == 0 ? Tensor.EmptyZeroed(g.ShapeArray, g.DType) : g.SafeMul(p == 1 ? Tensor.OnesLike(g) : Input(0).Pow(p - 1) * p);
}

/// <summary>y = x + c for a constant c; dy/dx = 1.</summary>
internal sealed class AddScalarNode(double c) : Node
{
    public override string Name => "add";
    public override string Rule => "y = x + c;  ∂y/∂x = 1";
    protected internal override Tensor Forward(Tensor[] x) => x[0].AddScalar(c);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g;
}

/// <summary>y = c·x for a constant c; dy/dx = c.</summary>
internal sealed class MulScalarNode(double c) : Node
{
    public override string Name => "mul";
    public override string Rule => "y = c·x;  ∂y/∂x = c";
    protected internal override Tensor Forward(Tensor[] x) => x[0].MulScalar(c);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SafeMul(c);
}

/// <summary>Cast to another dtype; the gradient is cast back.</summary>
internal sealed class CastNode(DType sourceType) : Node
{
    public override string Name => "to";
    public override string Rule => "y = x in another dtype;  ∂y/∂x = 1";
    protected internal override Tensor Forward(Tensor[] x) => x[0].DType == sourceType ? x[0].To(OutputDType) : x[0].Reshape(OutputShape);
    protected override bool SavesInput(int i) => false;
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.To(Input(0).DType);
}

/// <summary>Elementwise ops shared by the tape (in-place accumulation of leaf gradients).</summary>
internal static class Elementwise
{
    /// <summary>target = source (same shape and dtype); the first gradient after ZeroGrad.</summary>
    public static void CopyInPlace(Tensor target, Tensor source)
    {
        target.Storage.Version++;
        if (target.DType == DType.Float32) source.SpanF.CopyTo(target.SpanF);
        else source.SpanD.CopyTo(target.SpanD);
    }

    /// <summary>target += source (same shape and dtype); used for gradient accumulation only.</summary>
    public static void AddInPlace(Tensor target, Tensor source)
    {
        target.Storage.Version++;
        if (target.DType == DType.Float32) System.Numerics.Tensors.TensorPrimitives.Add(target.SpanF, source.SpanF, target.SpanF);
        else System.Numerics.Tensors.TensorPrimitives.Add(target.SpanD, source.SpanD, target.SpanD);
    }
}

public sealed partial class Tensor
{

    /// <summary>y = −x; dy/dx = −1.</summary>
    public Tensor Neg([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<NegKernel>(this);
        if (ShouldRecord(this)) Node.Record(new NegNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = eˣ; dy/dx = eˣ.</summary>
    public Tensor Exp([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<ExpKernel>(this);
        if (ShouldRecord(this)) Node.Record(new ExpNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = ln x; dy/dx = 1/x. ln 0 = −∞, ln of a negative number is NaN.</summary>
    public Tensor Log([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<LogKernel>(this);
        if (ShouldRecord(this)) Node.Record(new LogNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = √x; dy/dx = 1/(2√x).</summary>
    public Tensor Sqrt([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<SqrtKernel>(this);
        if (ShouldRecord(this)) Node.Record(new SqrtNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = |x|; dy/dx = sign(x), taken as 0 at x = 0.</summary>
    public Tensor Abs([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<AbsKernel>(this);
        if (ShouldRecord(this)) Node.Record(new AbsNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = sign(x) ∈ {−1, 0, 1}; dy/dx = 0.</summary>
    public Tensor Sign([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<SignKernel>(this);
        if (ShouldRecord(this)) Node.Record(new SignNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = tanh x; dy/dx = 1 − y².</summary>
    public Tensor Tanh([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<TanhKernel>(this);
        if (ShouldRecord(this)) Node.Record(new TanhNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = σ(x) = 1/(1+e^{−x}); dy/dx = y(1 − y).</summary>
    public Tensor Sigmoid([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<SigmoidKernel>(this);
        if (ShouldRecord(this)) Node.Record(new SigmoidNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = max(x, 0); dy/dx = 1 where x &gt; 0, else 0 (0 at x = 0).</summary>
    public Tensor Relu([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<ReluKernel>(this);
        if (ShouldRecord(this)) Node.Record(new ReluNode(), y, this, file, line);
        return y;
    }

    /// <summary>
    /// ReLU's backward pass fused into one kernel: [x &gt; 0]·g (0 wherever x ≤ 0, even if g is NaN).
    /// Differentiable in g for higher-order derivatives.
    /// </summary>
    /// <exception cref="ShapeException">x and g have different shapes.</exception>
    public static Tensor ReluGrad(Tensor x, Tensor g, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Check.SameDType("relu_grad", x, g);
        Check.SameShape("relu_grad", x, g);
        var y = EmptyLike(g);
        ReluGradInto(x, g, y);
        if (StepTrace.Current is { } trace) trace.Add(ReplayReluGrad(x, g, y), x, g);
        if (ShouldRecord(g)) Node.Record(new ReluGradNode(), y, x.Detach(), g, file, line);
        return y;
    }

    private static void ReluGradInto(Tensor x, Tensor g, Tensor y)
    {
        if (g.DType == DType.Float32) Fused.ReluGrad<float>(x.SpanF, g.SpanF, y.SpanF);
        else Fused.ReluGrad<double>(x.SpanD, g.SpanD, y.SpanD);
    }

    private static Action ReplayReluGrad(Tensor x, Tensor g, Tensor y) => () => ReluGradInto(x, g, y);

    /// <summary>y = ln(1 + eˣ), computed without overflow; dy/dx = σ(x).</summary>
    public Tensor Softplus([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<SoftplusKernel>(this);
        if (ShouldRecord(this)) Node.Record(new SoftplusNode(), y, this, file, line);
        return y;
    }

    /// <summary>y = xᵖ for a constant exponent p; dy/dx = p·x^{p−1}. A negative x with non-integer p gives NaN.</summary>
    /// <exception cref="ArgumentException">p is NaN.</exception>
    public Tensor Pow(double p, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (double.IsNaN(p)) throw new ArgumentException("pow: exponent p is NaN", nameof(p));
        var y = Unary<PowKernel>(this, p);
        if (ShouldRecord(this)) Node.Record(new PowNode(p), y, this, file, line);
        return y;
    }

    /// <summary>y = x + c; dy/dx = 1.</summary>
    public Tensor AddScalar(double c, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<AddScalarKernel>(this, c);
        if (ShouldRecord(this)) Node.Record(new AddScalarNode(c), y, this, file, line);
        return y;
    }

    /// <summary>y = c·x; dy/dx = c.</summary>
    public Tensor MulScalar(double c, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var y = Unary<MulScalarKernel>(this, c);
        if (ShouldRecord(this)) Node.Record(new MulScalarNode(c), y, this, file, line);
        return y;
    }

    /// <summary>
    /// This tensor converted to <paramref name="dtype"/> (the same tensor if it already has it).
    /// Differentiable: the gradient is converted back.
    /// </summary>
    public Tensor To(DType dtype, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (dtype == DType) return this;
        var y = Empty(ShapeArray, dtype);
        CastInto(this, y);
        if (StepTrace.Current is { } trace) trace.Add(ReplayCast(this, y), this);
        if (ShouldRecord(this)) Node.Record(new CastNode(DType), y, this, file, line);
        return y;
    }

    private static void CastInto(Tensor x, Tensor y)
    {
        if (y.DType == DType.Float64)
        {
            var s = x.SpanF; var d = y.SpanD;
            for (int i = 0; i < s.Length; i++) d[i] = s[i];
        }
        else
        {
            var s = x.SpanD; var d = y.SpanF;
            for (int i = 0; i < s.Length; i++) d[i] = (float)s[i];
        }
    }

    private static Action ReplayCast(Tensor x, Tensor y) => () => CastInto(x, y);
}
