using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad.Tests.Support;

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
    public override string Name => "WrongCube";

    protected override Tensor Forward(CustomOpContext ctx, Tensor[] x)
    {
        ctx.SaveForBackward(x[0]);
        return x[0] * x[0] * x[0];
    }

    protected override Tensor?[] Backward(CustomOpContext ctx, Tensor g) => [g * ctx.SavedTensors[0].Square() * 2.0];
}

/// <summary>A small classifier: two dense layers with tanh, a custom op between them, softmax cross-entropy.</summary>
internal sealed class SmallNet
{
    public readonly Tensor X, W1, B1, W2, B2;
    public readonly int[] Labels = [0, 2, 1, 2, 0];

    public SmallNet(DType dtype = DType.Float32, ulong seed = 7)
    {
        var g = new Generator(seed);
        X = Tensor.Normal(g, 0, 1, dtype, 5, 4);
        X.Name = "x";
        W1 = Tensor.Normal(g, 0, 0.5, dtype, 4, 6).RequireGrad();
        W1.Name = "W1";
        B1 = Tensor.Normal(g, 0, 0.1, dtype, 6).RequireGrad();
        B1.Name = "b1";
        W2 = Tensor.Normal(g, 0, 0.5, dtype, 6, 3).RequireGrad();
        W2.Name = "W2";
        B2 = Tensor.Zeros(dtype, 3).RequireGrad();
        B2.Name = "b2";
    }

    /// <summary>The loss, and the line of the custom op's Apply call.</summary>
    public (Tensor Loss, int OpLine) Loss(CustomOp op)
    {
        var h = Tensor.Add(Tensor.Matmul(X, W1), B1).Tanh();
        var c = op.Apply(h); int line = Line();
        var logits = Tensor.Add(Tensor.Matmul(c, W2), B2);
        var loss = logits.LogSoftmax(1).Gather(1, Labels).Mean().Neg();
        return (loss, line);
    }

    public static int Line([CallerLineNumber] int line = 0) => line;
}
