using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Memory;
using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

/// <summary>
/// y = x − logsumexp(x) along one axis, as one fused stable kernel (it is the hot path of every
/// classifier's loss); dy/dx contracted with g is g − softmax(x)·Σg = g − e^y·Σg.
/// </summary>
internal sealed class LogSoftmaxNode(int axis) : Node
{
    public override string Name => "log_softmax";
    public override string Rule => "y = x − log Σ eˣ along an axis;  ∂L/∂x = G − softmax(x)·Σ G";
    protected override bool SavesInput(int i) => false;
    protected override bool SavesOutput => true;
    protected internal override Tensor Forward(Tensor[] x) => x[0].LogSoftmax(axis);
    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        // Under create-graph the rule must itself be recorded, so it is written in ops; otherwise one fused pass.
        if (Tape.IsRecording)
        {
            grads[0] = g - Output.Exp() * g.Sum(axis, keepDim: true);
            return;
        }
        var y = Output;
        var (outer, n, inner) = Split(y.ShapeArray, axis);
        var dx = Tensor.EmptyLike(g);
        BackwardInto(y, g, dx, outer, n, inner);
        if (StepTrace.Current is { } trace) trace.Add(ReplayBackward(y, g, dx, outer, n, inner), y, g);
        grads[0] = dx;
    }

    private static void BackwardInto(Tensor y, Tensor g, Tensor dx, int outer, int n, int inner)
    {
        if (g.DType == DType.Float32) Fused.LogSoftmaxBackward<float>(y.SpanF, g.SpanF, outer, n, inner, dx.SpanF);
        else Fused.LogSoftmaxBackward<double>(y.SpanD, g.SpanD, outer, n, inner, dx.SpanD);
    }

    private static Action ReplayBackward(Tensor y, Tensor g, Tensor dx, int outer, int n, int inner) => () => BackwardInto(y, g, dx, outer, n, inner);
}

public sealed partial class Tensor
{
    /// <summary>
    /// log softmax along <paramref name="axis"/>: y_i = x_i − log Σ_j e^{x_j}, stable for any
    /// magnitude (the maximum is subtracted first); ∂y_i/∂x_j = δ_ij − softmax(x)_j.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    public Tensor LogSoftmax(int axis = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("log_softmax", axis, Rank);
        var (outer, n, inner) = Split(ShapeArray, a);
        var y = EmptyLike(this);
        LogSoftmaxInto(this, y, outer, n, inner);
        if (StepTrace.Current is { } trace) trace.Add(ReplayLogSoftmax(this, y, outer, n, inner), this);
        if (ShouldRecord(this)) Node.Record(new LogSoftmaxNode(a), y, this, file, line);
        return y;
    }

    private static void LogSoftmaxInto(Tensor x, Tensor y, int outer, int n, int inner)
    {
        if (x.DType == DType.Float32) Fused.LogSoftmax<float>(x.SpanF, outer, n, inner, y.SpanF);
        else Fused.LogSoftmax<double>(x.SpanD, outer, n, inner, y.SpanD);
    }

    private static Action ReplayLogSoftmax(Tensor x, Tensor y, int outer, int n, int inner) => () => LogSoftmaxInto(x, y, outer, n, inner);
}
