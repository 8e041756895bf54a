using AutoGrad.Autograd;

namespace AutoGrad.FsCheck.Tests;

/// <summary>y = x³ with a correct hand-written backward: dy/dx = 3x².</summary>
internal sealed class Cube : CustomOp
{
    protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
    {
        ctx.SaveForBackward(x[0]);
        return x[0] * x[0] * x[0];
    }

    protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * ctx.SavedTensors[0].Square() * 3.0];
}

/// <summary>y = x³ with a planted factor error in its backward: 2x² instead of 3x².</summary>
internal sealed class WrongCube : CustomOp
{
    protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
    {
        ctx.SaveForBackward(x[0]);
        return x[0] * x[0] * x[0];
    }

    protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * ctx.SavedTensors[0].Square() * 2.0];
}

/// <summary>y = x²/2 for x ≤ 1 (dy/dx = x), with a planted error above 1 (it returns 2x there).</summary>
internal sealed class WrongAboveOne : CustomOp
{
    protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
    {
        ctx.SaveForBackward(x[0]);
        return x[0].Square() * 0.5;
    }

    protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g)
    {
        var x = ctx.SavedTensors[0];
        return [g * Tensor.Where(x.Gt(1), x * 2.0, x)];
    }
}

/// <summary>y = x / (1 + |x|); dy/dx = 1 / (1 + |x|)². The backward forgets the square (the softsign of docs/debugging-gradients.md).</summary>
internal sealed class Softsign : CustomOp
{
    protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
    {
        var d = x[0].Abs() + 1.0;
        ctx.SaveForBackward(d);
        return x[0] / d;
    }

    protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) =>
        [g / ctx.SavedTensors[0]];          // should be g / d²
}
