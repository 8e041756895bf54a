using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// max_pool2d: the maximum of each window of the (−∞-padded) planes, with the position of the
/// first maximum kept; the gradient is scattered back to those positions (max_pool2d_backward).
/// The same node records picking by saved positions (the backward of that scatter), so gradients
/// of gradients go through these two nodes and nothing else.
/// </summary>
internal sealed class MaxPool2dNode : Node, INodeType<MaxPool2dNode>
{
    public static MaxPool2dNode Create() => new();

    private Pool2dGeometry _g;
    private Tensor? _argmax;

    public override string Name => "max_pool2d";
    public override string Rule => "y = max of x over each window (first arg-max kept);  G scattered to the arg-max of each window (max_pool2d_backward)";
    protected override bool SavesInput(int i) => false;
    protected override void ReleaseSaved() => _argmax = null;

    public static Tensor Apply(Tensor x, (int, int) kernel, (int, int) stride, (int, int) padding, string file, int line)
    {
        var g = Pool2dArguments.Check("max_pool2d", x, kernel, stride, padding);
        var shape = Pool2dArguments.OutputShape(x.ShapeArray, g);
        var y = Tensor.Empty(shape, x.DType);
        // Positions are int32 held in a float32 buffer of the output's size: a pooled op result
        // like any other, so a step scope recycles it and a captured step owns it.
        var argmax = Tensor.Empty(shape, DType.Float32);
        Launch.Run(new ForwardLaunch(x, y, argmax, g), x);
        if (Node.NeedsNode(x))
        {
            var node = New<MaxPool2dNode>();
            (node._g, node._argmax) = (g, argmax);
            Record(node, y, x, file, line);
        }
        return y;
    }

    /// <summary>y[o] = x[argmax[o]] in each plane: picking by positions a max_pool2d saved.</summary>
    public static Tensor Pick(Tensor x, Tensor argmax, in Pool2dGeometry g, string file, int line)
    {
        var y = Tensor.Empty(argmax.ShapeArray, x.DType);
        Launch.Run(new PickLaunch(x, argmax, y, g), x, argmax);
        if (Node.NeedsNode(x))
        {
            var node = New<MaxPool2dNode>();
            (node._g, node._argmax) = (g, argmax);
            Record(node, y, x, file, line);
        }
        return y;
    }

    internal static Span<int> Positions(Tensor argmax) => MemoryMarshal.Cast<float, int>(argmax.SpanF);

    // Replays the pick at the saved positions: the op's local linear map, which is what a local
    // gradient check differentiates (at distinct values, the same as the pooling itself).
    protected internal override Tensor Forward(Tensor[] x) => Pick(x[0], _argmax!, _g, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t); // the tangent at each window's saved argmax (Forward picks there)

    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = MaxPool2dBackwardNode.Apply(g, _argmax!, _g, Input(0).ShapeArray, "", 0);

    private readonly struct ForwardLaunch(Tensor x, Tensor y, Tensor argmax, Pool2dGeometry g) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Pooling.MaxForward<float>(x.SpanF, g, y.SpanF, Positions(argmax), 0, g.Planes);
            else Pooling.MaxForward<double>(x.SpanD, g, y.SpanD, Positions(argmax), 0, g.Planes);
        }
    }

    private readonly struct PickLaunch(Tensor x, Tensor argmax, Tensor y, Pool2dGeometry g) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Pooling.MaxGather<float>(x.SpanF, Positions(argmax), g, y.SpanF, 0, g.Planes);
            else Pooling.MaxGather<double>(x.SpanD, Positions(argmax), g, y.SpanD, 0, g.Planes);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// 2-d max pooling of [N, C, H, W] (or [C, H, W]), as <c>torch.nn.functional.max_pool2d</c>:
    /// y[n, c, i, j] = max over the kernelSize window at (i·stride − padding, j·stride − padding),
    /// padding counting as −∞; the output is [N, C, ⌊(H + 2p − k)/s⌋ + 1, ⌊(W + 2p − k)/s⌋ + 1].
    /// dy/dx is 1 at the first maximum of each window in row-major order (PyTorch's choice at
    /// ties) and 0 elsewhere; a NaN in a window is its maximum.
    /// </summary>
    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Step between windows; null (default) means kernelSize.</param>
    /// <param name="padding">Implicit −∞ padding on each side; at most kernelSize/2.</param>
    /// <param name="file">Caller's file (filled in by the compiler).</param>
    /// <param name="line">Caller's line (filled in by the compiler).</param>
    /// <exception cref="ShapeException">The input is not 3-d or 4-d, or the padded input is smaller than the kernel.</exception>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public Tensor MaxPool2d(int kernelSize, int? stride = null, int padding = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        MaxPool2dNode.Apply(this, (kernelSize, kernelSize), stride is { } s ? (s, s) : (kernelSize, kernelSize), (padding, padding), file, line);

    /// <summary>2-d max pooling with separate heights and widths; see <see cref="MaxPool2d(int, int?, int, string, int)"/>.</summary>
    /// <exception cref="ShapeException">The input is not 3-d or 4-d, or the padded input is smaller than the kernel.</exception>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize or stride is not positive, or padding is negative or more than half the kernel.</exception>
    public Tensor MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        MaxPool2dNode.Apply(this, kernelSize, stride ?? kernelSize, padding, file, line);
}
