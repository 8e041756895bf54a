using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// conv2d_input_grad: dX = the adjoint in X of conv2d applied to G (a transposed convolution):
/// per sample and group W_gᵀ·G_g, then col2im into [N, C, H, W]. It is bilinear in (G, W), with
/// ⟨U, dX⟩ = ⟨conv2d(U, W), G⟩, so ∂/∂G = conv2d(U, W) and ∂/∂W = conv2d_weight_grad(U, G).
/// </summary>
internal sealed class Conv2dInputGradNode : Node, INodeType<Conv2dInputGradNode>
{
    public static Conv2dInputGradNode Create() => new();

    private ConvGeometry _g;

    public override string Name => "conv2d_input_grad";
    public override string Rule => "dX = Wᵀ ⋆ᵀ H (the transposed convolution of an output gradient H by W);  ∂L/∂H = conv2d(G, W), ∂L/∂W = conv2d_weight_grad(G, H)";
    protected override bool SavesInput(int i) => NeedsGrad(1 - i);

    /// <summary>The input gradient of the convolution <paramref name="g"/> describes, from gy [N, O, OH, OW] and w.</summary>
    public static Tensor Apply(Tensor gy, Tensor w, in ConvGeometry g, string file, int line)
    {
        var dx = Tensor.Empty(Shapes.Keep([g.N, g.C, g.H, g.W]), gy.DType);
        int slots = ConvGemm.Slots(g.N);
        var scratch = Tensor.Empty(Shapes.Keep([ConvGemm.InputGradScratch(g, slots)]), gy.DType);
        Launch.Run(new InputGradLaunch(gy, w, dx, scratch, g, slots), gy, w);
        if (Node.NeedsNode(gy, w))
        {
            var node = New<Conv2dInputGradNode>();
            node._g = g;
            Record(node, dx, gy, w, file, line);
        }
        return dx;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x[1], _g, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Bilinear(this, t);

    protected internal override void Backward(Tensor u, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = Conv2dNode.Apply(u, Input(1), null, _g, "", 0);
        if (NeedsGrad(1)) grads[1] = Conv2dWeightGradNode.Apply(u, Input(0), _g, "", 0);
    }

    private readonly unsafe struct InputGradLaunch(Tensor gy, Tensor w, Tensor dx, Tensor scratch, ConvGeometry g, int slots) : ILaunch
    {
        public void Run()
        {
            if (gy.DType == DType.Float32)
            {
                fixed (float* pg = gy.SpanF, pw = w.SpanF, pd = dx.SpanF, ps = scratch.SpanF)
                    ConvGemm.InputGrad(g, pg, pw, pd, ps, slots);
            }
            else
            {
                fixed (double* pg = gy.SpanD, pw = w.SpanD, pd = dx.SpanD, ps = scratch.SpanD)
                    ConvGemm.InputGrad(g, pg, pw, pd, ps, slots);
            }
        }
    }
}
