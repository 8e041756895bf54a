using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// conv2d: Y = W ⋆ X + b, the cross-correlation of X [N, C, H, W] with W [O, C/groups, kH, kW] per
/// group plus an optional bias [O], by im2col into a pooled scratch tensor and the packed GEMM (which
/// adds onto output rows that start as the bias, so the bias costs no pass of its own). dX is the transposed convolution
/// (conv2d_input_grad) and dW the correlation of X with G summed over the batch
/// (conv2d_weight_grad): two primitives of their own, whose backward rules are again these three, so
/// derivatives of any order are recorded ops.
/// </summary>
internal sealed class Conv2dNode : Node, INodeType<Conv2dNode>
{
    public static Conv2dNode Create() => new();

    private static readonly int[] BiasAxes = [0, 2, 3];

    private ConvGeometry _g;

    // The inputs with a bias, one array per node: a recycled node records again without allocating.
    private readonly Tensor[] _three = new Tensor[3];

    public override string Name => "conv2d";
    public override string Rule => "Y = W ⋆ X + b (cross-correlation per group);  ∂L/∂X = conv2d_input_grad(G, W), ∂L/∂W = conv2d_weight_grad(X, G), ∂L/∂b = Σ_{n,i,j} G";
    protected override bool SavesInput(int i) => i < 2 && NeedsGrad(1 - i);

    /// <summary>The convolution of checked operands (<see cref="ConvChecks.Conv"/> made <paramref name="g"/> from their shapes).</summary>
    public static Tensor Apply(Tensor x, Tensor w, Tensor? b, in ConvGeometry g, string file, int line)
    {
        var y = Tensor.Empty(Shapes.Keep([g.N, g.O, g.OH, g.OW]), x.DType);
        int slots = ConvGemm.Slots(g.N);
        var scratch = Tensor.Empty(Shapes.Keep([slots * ConvGemm.ForwardSlot(g)]), x.DType);
        Launch.Run(new Conv2dLaunch(x, w, b, y, scratch, g, slots), x, w, b);
        if (Node.NeedsNode([x, w, b]))
        {
            var node = New<Conv2dNode>();
            node._g = g;
            if (b is null) Record(node, y, x, w, file, line);
            else
            {
                (node._three[0], node._three[1], node._three[2]) = (x, w, b);
                Record(node, y, node._three, file, line);
            }
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x[1], x.Length > 2 ? x[2] : null, _g, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t)
    {
        var dx = t[0] is null ? null : Apply(t[0]!, Input(1), null, _g, "", 0);
        var dw = t[1] is null ? null : Apply(Input(0), t[1]!, null, _g, "", 0);
        var db = InputCount > 2 && t[2] is { } tb ? tb.Reshape([1, tb.ShapeArray[0], 1, 1]) : null;
        return Ops.TangentRules.Sum(Ops.TangentRules.Sum(dx, dw, y.ShapeArray), db, y.ShapeArray);
    }

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = Conv2dInputGradNode.Apply(g, Input(1), _g, "", 0);
        if (NeedsGrad(1)) grads[1] = Conv2dWeightGradNode.Apply(Input(0), g, _g, "", 0);
        if (InputCount > 2 && NeedsGrad(2)) grads[2] = g.Sum(BiasAxes, false, "", 0);
    }

    protected override void ReleaseSaved() => Array.Clear(_three);

    private readonly unsafe struct Conv2dLaunch(Tensor x, Tensor w, Tensor? b, Tensor y, Tensor scratch, ConvGeometry g, int slots) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32)
            {
                fixed (float* px = x.SpanF, pw = w.SpanF, pb = b is null ? default : b.SpanF, py = y.SpanF, ps = scratch.SpanF)
                    ConvGemm.Forward(g, px, pw, pb, py, ps, slots);
            }
            else
            {
                fixed (double* px = x.SpanD, pw = w.SpanD, pb = b is null ? default : b.SpanD, py = y.SpanD, ps = scratch.SpanD)
                    ConvGemm.Forward(g, px, pw, pb, py, ps, slots);
            }
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// 2-d convolution (cross-correlation, as torch.nn.functional.conv2d):
    /// y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] · x[n, g·C/groups + c, i·sH − pH + p·dH, j·sW − pW + q·dW]
    /// over the input channels c of o's group g, with zeros outside the input. Input [N, C, H, W] (or
    /// [C, H, W], unbatched), weight [O, C/groups, kH, kW], bias [O]; output [N, O, H_out, W_out] with
    /// H_out = ⌊(H + 2·pH − dH·(kH − 1) − 1)/sH⌋ + 1 (W_out alike).
    /// ∂L/∂x is the transposed convolution of G with w, ∂L/∂w = Σ_n G ⋆ x, ∂L/∂b = Σ_{n,i,j} G.
    /// </summary>
    /// <param name="input">[N, C, H, W] or [C, H, W].</param>
    /// <param name="weight">[out_channels, in_channels / groups, kH, kW].</param>
    /// <param name="bias">[out_channels], or null.</param>
    /// <param name="stride">Step between windows: one number or (sH, sW); default 1.</param>
    /// <param name="padding">Zeros added on each side: one number or (pH, pW); default 0.</param>
    /// <param name="dilation">Spacing between kernel taps: one number or (dH, dW); default 1.</param>
    /// <param name="groups">Channel groups: each output channel sees C/groups input channels.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    /// <exception cref="ShapeException">A rank is wrong, the channels do not fit the weight or groups, the bias is not [O], or the dilated kernel is larger than the padded input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">stride, dilation or groups is not positive, or padding is negative.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null, Size2? dilation = null, int groups = 1,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var g = ConvChecks.Conv("conv2d", 2, input, weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);
        if (input.Rank == 4) return Conv2dNode.Apply(input, weight, bias, g, file, line);
        using var _ = SourceSite.Enter("conv2d", file, line);
        return Conv2dNode.Apply(input.Unsqueeze(0), weight, bias, g, "", 0).Squeeze(0);
    }
}
