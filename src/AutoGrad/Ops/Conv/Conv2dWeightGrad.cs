using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// conv2d_weight_grad: dW = Σ_n G_n ⋆ X_n, per group G_g·X_gᵀ with X_g the im2col matrix, summed over
/// the batch in a fixed order. It is bilinear in (X, G), with ⟨V, dW⟩ = ⟨conv2d(X, V), G⟩, so
/// ∂/∂X = conv2d_input_grad(G, V) and ∂/∂G = conv2d(X, V).
/// </summary>
internal sealed class Conv2dWeightGradNode : Node, INodeType<Conv2dWeightGradNode>
{
    public static Conv2dWeightGradNode Create() => new();

    private ConvGeometry _g;

    public override string Name => "conv2d_weight_grad";
    public override string Rule => "dW = Σₙ H ⋆ X (the correlation of X with an output gradient H);  ∂L/∂X = conv2d_input_grad(H, G), ∂L/∂H = conv2d(X, G)";
    protected override bool SavesInput(int i) => NeedsGrad(1 - i);

    /// <summary>The weight gradient of the convolution <paramref name="g"/> describes, from x [N, C, H, W] and gy [N, O, OH, OW].</summary>
    public static Tensor Apply(Tensor x, Tensor gy, in ConvGeometry g, string file, int line)
    {
        var dw = Tensor.Empty(Shapes.Keep([g.O, g.Cg, g.KH, g.KW]), x.DType);
        int slots = ConvGemm.Slots(ConvGemm.WeightChunks(g));
        var scratch = Tensor.Empty(Shapes.Keep([ConvGemm.WeightGradScratch(g, slots)]), x.DType);
        Launch.Run(new WeightGradLaunch(x, gy, dw, scratch, g, slots), x, gy);
        if (Node.NeedsNode(x, gy))
        {
            var node = New<Conv2dWeightGradNode>();
            node._g = g;
            Record(node, dw, x, gy, file, line);
        }
        return dw;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], x[1], _g, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Bilinear(this, t);

    protected internal override void Backward(Tensor v, Tensor?[] grads)
    {
        if (NeedsGrad(0)) grads[0] = Conv2dInputGradNode.Apply(Input(1), v, _g, "", 0);
        if (NeedsGrad(1)) grads[1] = Conv2dNode.Apply(Input(0), v, null, _g, "", 0);
    }

    private readonly unsafe struct WeightGradLaunch(Tensor x, Tensor gy, Tensor dw, Tensor scratch, ConvGeometry g, int slots) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32)
            {
                fixed (float* px = x.SpanF, pg = gy.SpanF, pd = dw.SpanF, ps = scratch.SpanF)
                    ConvGemm.WeightGrad(g, px, pg, pd, ps, slots);
            }
            else
            {
                fixed (double* px = x.SpanD, pg = gy.SpanD, pd = dw.SpanD, ps = scratch.SpanD)
                    ConvGemm.WeightGrad(g, px, pg, pd, ps, slots);
            }
        }
    }
}
