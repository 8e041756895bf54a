using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// relu_grad: ReLU's backward as one fused pass, y = [x &gt; 0]·g (0 wherever x ≤ 0, even if g is
/// NaN). Linear in g, so its own backward is relu_grad again; x is a constant (detached) input.
/// </summary>
internal sealed class ReluGradNode : Node, INodeType<ReluGradNode>
{
    public static ReluGradNode Create() => new();

    public override string Name => "relu_grad";
    public override string Rule => "y = [x > 0]·g (ReLU backward);  ∂y/∂g = [x > 0]";
    protected override bool SavesInput(int i) => i == 0;

    public static Tensor Apply(Tensor x, Tensor g, string file, int line)
    {
        Guard.SameDType("relu_grad", x, g);
        Guard.SameShape("relu_grad", x, g);
        var y = Tensor.EmptyLike(g);
        Launch.Run(new ReluGradLaunch(x, g, y), x, g);
        if (Node.NeedsNode(g)) Record(New<ReluGradNode>(), y, x.Detach(), g, file, line);
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x[1], "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => t[1] is null ? null : Tensor.ReluGrad(Input(0), t[1]!); // x is a constant (detached)

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(1)) grads[1] = Tensor.ReluGrad(Input(0), g);
    }

    private readonly struct ReluGradLaunch(Tensor x, Tensor g, Tensor y) : ILaunch
    {
        public void Run()
        {
            if (g.DType == DType.Float32) Fused.ReluGrad<float>(x.SpanF, g.SpanF, y.SpanF);
            else Fused.ReluGrad<double>(x.SpanD, g.SpanD, y.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// ReLU's backward pass fused into one kernel: [x &gt; 0]·g (0 wherever x ≤ 0, even if g is NaN).
    /// Differentiable in g for higher-order derivatives.
    /// </summary>
    /// <exception cref="ShapeException">x and g have different shapes.</exception>
    public static Tensor ReluGrad(Tensor x, Tensor g, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => ReluGradNode.Apply(x, g, file, line);
}
