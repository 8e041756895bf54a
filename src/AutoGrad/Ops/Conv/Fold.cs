using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>fold (col2im): columns [N, C·kH·kW, L] summed back into [N, C, H, W]; the adjoint of unfold, whose gradient is unfold.</summary>
internal sealed class FoldNode : Node, INodeType<FoldNode>
{
    public static FoldNode Create() => new();

    private ConvGeometry _g;

    public override string Name => "fold";
    public override string Rule => "Y[n, c, h, w] = Σ X[n, (c·kH + p)·kW + q, l] over the blocks l and taps (p, q) that read (h, w);  ∂L/∂X = unfold(G)";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor cols, in ConvGeometry g, string file, int line)
    {
        var y = Tensor.Empty(Shapes.Keep([g.N, g.C, g.H, g.W]), cols.DType);
        Launch.Run(new FoldLaunch(cols, y, g), cols);
        if (Node.NeedsNode(cols))
        {
            var node = New<FoldNode>();
            node._g = g;
            Record(node, y, cols, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _g, "", 0);
    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = UnfoldNode.Apply(g, _g, "", 0);

    private readonly unsafe struct FoldLaunch(Tensor cols, Tensor y, ConvGeometry g) : ILaunch
    {
        public void Run()
        {
            if (cols.DType == DType.Float32)
            {
                fixed (float* pc = cols.SpanF, py = y.SpanF) ConvGemm.Fold(g, pc, py);
            }
            else
            {
                fixed (double* pc = cols.SpanD, py = y.SpanD) ConvGemm.Fold(g, pc, py);
            }
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Sums sliding local blocks back into a tensor (col2im, as torch.nn.functional.fold), the
    /// adjoint of <see cref="Unfold"/>: [N, C·kH·kW, L] → [N, C, outputSize.H, outputSize.W], where
    /// each entry is added onto the element unfold would have read it from (positions in the padding
    /// are dropped), so overlapping blocks add up. L must be the number of blocks H_out·W_out that
    /// <paramref name="outputSize"/> gives. The gradient is unfold of G.
    /// </summary>
    /// <exception cref="ShapeException">The input is not 3-d, its dimension 1 is not a multiple of kH·kW, its L does not match the output size, or the dilated kernel is larger than the padded output.</exception>
    /// <exception cref="ArgumentOutOfRangeException">outputSize, kernelSize, dilation or stride is not positive, or padding is negative.</exception>
    public static Tensor Fold(Tensor input, Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        FoldNode.Apply(input, ConvChecks.Fold(input, outputSize, kernelSize, dilation ?? 1, padding ?? 0, stride ?? 1), file, line);
}
