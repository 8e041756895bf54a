using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>unfold (im2col): the sliding blocks of [N, C, H, W] as columns of [N, C·kH·kW, L]; the gradient is fold, its adjoint.</summary>
internal sealed class UnfoldNode : Node, INodeType<UnfoldNode>
{
    public static UnfoldNode Create() => new();

    private ConvGeometry _g;

    public override string Name => "unfold";
    public override string Rule => "Y[n, (c·kH + p)·kW + q, i·W_out + j] = X[n, c, i·sH − pH + p·dH, j·sW − pW + q·dW] (zero outside);  ∂L/∂X = fold(G)";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, in ConvGeometry g, string file, int line)
    {
        var y = Tensor.Empty(Shapes.Keep([g.N, g.C * g.KH * g.KW, g.L]), x.DType);
        Launch.Run(new UnfoldLaunch(x, y, g), x);
        if (Node.NeedsNode(x))
        {
            var node = New<UnfoldNode>();
            node._g = g;
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _g, "", 0);
    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = FoldNode.Apply(g, _g, "", 0);

    private readonly unsafe struct UnfoldLaunch(Tensor x, Tensor y, ConvGeometry g) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32)
            {
                fixed (float* px = x.SpanF, py = y.SpanF) ConvGemm.Unfold(g, px, py);
            }
            else
            {
                fixed (double* px = x.SpanD, py = y.SpanD) ConvGemm.Unfold(g, px, py);
            }
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Extracts sliding local blocks (im2col, as torch.nn.functional.unfold): [N, C, H, W] →
    /// [N, C·kH·kW, L], where column l = i·W_out + j holds the block at output position (i, j) and row
    /// (c·kH + p)·kW + q its tap (c, p, q): x[n, c, i·sH − pH + p·dH, j·sW − pW + q·dW], zero in the
    /// padding. L = H_out·W_out with H_out = ⌊(H + 2·pH − dH·(kH − 1) − 1)/sH⌋ + 1. The gradient is
    /// <see cref="Fold"/> of G. (Not torch.Tensor.unfold, which takes one dimension, a size and a step.)
    /// </summary>
    /// <exception cref="ShapeException">The input is not 4-d, or the dilated kernel is larger than the padded input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">kernelSize, dilation or stride is not positive, or padding is negative.</exception>
    public Tensor Unfold(Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        UnfoldNode.Apply(this, ConvChecks.Unfold(this, kernelSize, dilation ?? 1, padding ?? 0, stride ?? 1), file, line);
}
