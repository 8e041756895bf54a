using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// log_softmax: y = x − log Σ eˣ along one axis, as one fused stable kernel (the hot path of every
/// classifier's loss). Its backward runs as one fused kernel too, or as recorded ops
/// (G − e^y·ΣG) under create-graph.
/// </summary>
internal sealed class LogSoftmaxNode : Node, INodeType<LogSoftmaxNode>
{
    public static LogSoftmaxNode Create() => new();

    private int _axis;

    public override string Name => "log_softmax";
    public override string Rule => "y = x − log Σ eˣ along an axis;  ∂L/∂x = G − eʸ·Σ G (eʸ = softmax(x))";
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;

    public static Tensor Apply(Tensor x, int axis, string file, int line)
    {
        int a = Shapes.NormalizeAxis("log_softmax", axis, x.Rank);
        var (outer, n, inner) = Dispatch.Split(x.ShapeArray, a);
        var y = Tensor.EmptyLike(x);
        Launch.Run(new ForwardLaunch(x, y, outer, n, inner), x);
        if (Node.NeedsNode(x))
        {
            var node = New<LogSoftmaxNode>();
            node._axis = a;
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axis, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => t[0] is null ? null : t[0]! - (y.Exp() * t[0]!).Sum(_axis, keepDim: true);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        // Under create-graph the rule must itself be recorded, so it is written in ops; otherwise one fused pass.
        if (BackwardInOps(g))
        {
            grads[0] = g - Output.Exp() * g.Sum(_axis, keepDim: true);
            return;
        }
        var y = Output;
        var (outer, n, inner) = Dispatch.Split(y.ShapeArray, _axis);
        var dx = Tensor.EmptyLike(g);
        Launch.Run(new BackwardLaunch(y, g, dx, outer, n, inner), y, g);
        grads[0] = dx;
    }

    private readonly struct ForwardLaunch(Tensor x, Tensor y, int outer, int n, int inner) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Fused.LogSoftmax<float>(x.SpanF, outer, n, inner, y.SpanF);
            else Fused.LogSoftmax<double>(x.SpanD, outer, n, inner, y.SpanD);
        }
    }

    private readonly struct BackwardLaunch(Tensor y, Tensor g, Tensor dx, int outer, int n, int inner) : ILaunch
    {
        public void Run()
        {
            if (g.DType == DType.Float32) Fused.LogSoftmaxBackward<float>(y.SpanF, g.SpanF, outer, n, inner, dx.SpanF);
            else Fused.LogSoftmaxBackward<double>(y.SpanD, g.SpanD, outer, n, inner, dx.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// log softmax along <paramref name="axis"/>: y_i = x_i − log Σ_j e^{x_j}, stable for any
    /// magnitude (the maximum is subtracted first).
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    public Tensor LogSoftmax(int axis = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => LogSoftmaxNode.Apply(this, axis, file, line);
}
