using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// avg_pool2d: the mean of each window of the (zero-padded) planes; the gradient spreads G over
/// each window divided by the same count (avg_pool2d_backward, its adjoint).
/// </summary>
internal sealed class AvgPool2dNode : Node, INodeType<AvgPool2dNode>
{
    public static AvgPool2dNode Create() => new();

    private Pool2dGeometry _g;
    private bool _countIncludePad;

    public override string Name => "avg_pool2d";
    public override string Rule => "y = Σ x over each window / n (n = kH·kW, or the elements inside the input);  G/n spread over each window (avg_pool2d_backward)";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, (int, int) kernel, (int, int) stride, (int, int) padding, bool countIncludePad, string file, int line) =>
        Apply(x, Pool2dArguments.Check("avg_pool2d", x, kernel, stride, padding), countIncludePad, file, line);

    /// <summary>The pooling with checked geometry (also the backward of avg_pool2d_backward).</summary>
    public static Tensor Apply(Tensor x, in Pool2dGeometry g, bool countIncludePad, string file, int line)
    {
        var y = Tensor.Empty(Pool2dArguments.OutputShape(x.ShapeArray, g), x.DType);
        Launch.Run(new ForwardLaunch(x, y, g, countIncludePad), x);
        if (Node.NeedsNode(x))
        {
            var node = New<AvgPool2dNode>();
            (node._g, node._countIncludePad) = (g, countIncludePad);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _g, _countIncludePad, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = AvgPool2dBackwardNode.Apply(g, _g, _countIncludePad, Input(0).ShapeArray, "", 0);

    private readonly struct ForwardLaunch(Tensor x, Tensor y, Pool2dGeometry g, bool countIncludePad) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Pooling.AvgForward<float>(x.SpanF, g, countIncludePad, y.SpanF, 0, g.Planes);
            else Pooling.AvgForward<double>(x.SpanD, g, countIncludePad, y.SpanD, 0, g.Planes);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// 2-d average pooling of [N, C, H, W] (or [C, H, W]), as <c>torch.nn.functional.avg_pool2d</c>:
    /// y[n, c, i, j] = Σ x over the kernelSize window at (i·stride − padding, j·stride − padding),
    /// divided by k_H·k_W when <paramref name="countIncludePad"/> (padding counts as zeros, PyTorch's
    /// default), else by the number of window elements inside the input. dy/dx = 1/divisor for
    /// every element of the window.
    /// </summary>
    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Step between windows; null (default) means kernelSize.</param>
    /// <param name="padding">Implicit zero padding on each side; at most kernelSize/2.</param>
    /// <param name="countIncludePad">Whether the padding counts in the divisor.</param>
    /// <param name="file">Caller's file (filled in by the compiler).</param>
    /// <param name="line">Caller's line (filled in by the compiler).</param>
    /// <exception cref="ShapeException">The input is not 3-d or 4-d, or the padded input is smaller than the kernel.</exception>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public Tensor AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        AvgPool2dNode.Apply(this, (kernelSize, kernelSize), stride is { } s ? (s, s) : (kernelSize, kernelSize), (padding, padding), countIncludePad, file, line);

    /// <summary>2-d average pooling with separate heights and widths; see <see cref="AvgPool2d(int, int?, int, bool, string, int)"/>.</summary>
    /// <exception cref="ShapeException">The input is not 3-d or 4-d, or the padded input is smaller than the kernel.</exception>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public Tensor AvgPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default,
        bool countIncludePad = true, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        AvgPool2dNode.Apply(this, kernelSize, stride ?? kernelSize, padding, countIncludePad, file, line);
}
