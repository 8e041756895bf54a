using static AutoGrad.Tests.Support.Domain;
using static AutoGrad.Tests.Support.ShapeRules;

namespace AutoGrad.Tests.Support;

// Rows for the convolution family: conv2d and conv1d over random batch, channels, sizes, kernels
// (1 included), strides, padding, dilations, groups and with or without bias; unfold and fold; and
// second derivatives, which record conv2d_input_grad and conv2d_weight_grad and gradcheck their
// backward rules. Shapes stay small so each case is a few hundred elements at most.
public static partial class OpTable
{
    /// <summary>
    /// x [N, Cg·groups, H, W], w [Og·groups, Cg, kH, kW] and, unless flag bit 6 is set, b [Og·groups]; dims (N, Cg, H[, W]),
    /// groups, Og and the kernel from the flags. <paramref name="spatial"/> 1 drops H (x [N, C, W], w [O, Cg, k]).
    /// </summary>
    private static Func<int[], int, int[][]> ConvShapes(int spatial, bool bias = true) => (dims, flags) =>
    {
        int n = dims[0], cg = 1 + dims[1] % 2, h = dims[2], w = dims.Length > 3 ? dims[3] : dims[2];
        int groups = 1 + (flags & 1), og = 1 + ((flags >> 1) & 1), kh = 1 + (flags >> 2) % 3, kw = 1 + (flags >> 4) % 3;
        int[] x = spatial == 2 ? [n, cg * groups, h, w] : [n, cg * groups, w];
        int[] k = spatial == 2 ? [og * groups, cg, kh, kw] : [og * groups, cg, kw];
        return bias && ((flags >> 6) & 1) == 0 ? [x, k, [og * groups]] : [x, k];
    };

    /// <summary>Stride 1..3, dilation 1..2 and padding at least what the dilated kernel needs to fit in a size, plus 0..1.</summary>
    private static (int Stride, int Padding, int Dilation) SlideArgs(CaseInfo c, int size, int kernel)
    {
        int dilation = 1 + c.Random.NextInt(2), span = dilation * (kernel - 1) + 1;
        int padding = Math.Max(0, (span - size + 1) / 2) + c.Random.NextInt(2);
        return (1 + c.Random.NextInt(3), padding, dilation);
    }

    /// <summary>conv2d of the case's inputs with random stride, padding and dilation (groups read off the shapes).</summary>
    private static Func<Tensor[], Tensor> Conv2dOf(CaseInfo c)
    {
        int[] x = c.Shapes[0], w = c.Shapes[1];
        int groups = x[1] / w[1];
        var (sh, ph, dh) = SlideArgs(c, x[2], w[2]);
        var (sw, pw, dw) = SlideArgs(c, x[3], w[3]);
        return xs => Tensor.Conv2d(xs[0], xs[1], xs.Length > 2 ? xs[2] : null, (sh, sw), (ph, pw), (dh, dw), groups);
    }

    /// <summary>
    /// Unfold arguments that turn [N, C, H, W] into exactly [N, rows, L]: every kernel, stride,
    /// dilation and padding within the shape rule's ranges is tried, and one that fits is drawn.
    /// </summary>
    private static (int C, Size2 Output, Size2 Kernel, Size2 Dilation, Size2 Padding, Size2 Stride) FoldArgs(CaseInfo c)
    {
        int rows = c.Shape[1], l = c.Shape[2];
        var fits = new List<(int, Size2, Size2, Size2, Size2, Size2)>();
        for (int kh = 1; kh <= 3; kh++)
            for (int kw = 1; kw <= 3; kw++)
            {
                if (rows % (kh * kw) != 0) continue;
                foreach (var (h, w) in from h in Enumerable.Range(1, 4) from w in Enumerable.Range(1, 4) select (h, w))
                    for (int s = 0; s < 16; s++)
                    {
                        int sh = 1 + (s & 1), sw = 1 + ((s >> 1) & 1), ph = (s >> 2) & 1, pw = (s >> 3) & 1;
                        int oh = (h + 2 * ph - (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - (kw - 1) - 1) / sw + 1;
                        if (kh <= h + 2 * ph && kw <= w + 2 * pw && oh * ow == l)
                            fits.Add((rows / (kh * kw), (h, w), (kh, kw), 1, (ph, pw), (sh, sw)));
                    }
            }
        return fits[c.Random.NextInt(fits.Count)];
    }

    /// <summary>fold inputs [N, C·kH·kW, L] from dims (N, C, H, W) and a kernel, stride and padding from the flags.</summary>
    private static Func<int[], int, int[][]> FoldShapes => (dims, flags) =>
    {
        int kh = 1 + flags % 3, kw = 1 + (flags >> 2) % 3, sh = 1 + ((flags >> 4) & 1), sw = 1 + ((flags >> 5) & 1);
        int ph = (flags >> 6) & 1, pw = (flags >> 7) & 1;
        int h = Math.Max(dims[2], kh - 2 * ph), w = Math.Max(dims[3], kw - 2 * pw);
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
        return [[dims[0], dims[1] * kh * kw, oh * ow]];
    };

    private static readonly OpCase[] ConvRows =
    [
        new("nn conv2d", (3, 4), ConvShapes(2), c =>
        {
            int[] x = c.Shapes[0], w = c.Shapes[1];
            var (sh, ph, dh) = SlideArgs(c, x[2], w[2]);
            var (sw, pw, dw) = SlideArgs(c, x[3], w[3]);
            return xs => AutoGrad.NN.Conv2d.FromWeights(xs[1], xs.Length > 2 ? xs[2] : null, (sh, sw), (ph, pw), (dh, dw), x[1] / w[1]).Forward(xs[0]);
        }, [Any]),
        new("nn conv1d", (3, 3), ConvShapes(1), c =>
        {
            int[] x = c.Shapes[0], w = c.Shapes[1];
            var (s, p, d) = SlideArgs(c, x[2], w[2]);
            return xs => AutoGrad.NN.Conv1d.FromWeights(xs[1], xs.Length > 2 ? xs[2] : null, s, p, d, x[1] / w[1]).Forward(xs[0]);
        }, [Any]),
        new("conv2d", (3, 4), ConvShapes(2), Conv2dOf, [Any]),
        new("conv1d", (3, 3), ConvShapes(1), c =>
        {
            int[] x = c.Shapes[0], w = c.Shapes[1];
            var (s, p, d) = SlideArgs(c, x[2], w[2]);
            int groups = x[1] / w[1];
            return xs => Tensor.Conv1d(xs[0], xs[1], xs.Length > 2 ? xs[2] : null, s, p, d, groups);
        }, [Any]),
        new("conv2d unbatched", (3, 4), (dims, flags) =>
        {
            var s = ConvShapes(2)(dims, flags);
            s[0] = s[0][1..];
            return s;
        }, c =>
        {
            int[] x = c.Shapes[0], w = c.Shapes[1];
            var (sh, ph, dh) = SlideArgs(c, x[1], w[2]);
            var (sw, pw, dw) = SlideArgs(c, x[2], w[3]);
            return xs => Tensor.Conv2d(xs[0], xs[1], xs.Length > 2 ? xs[2] : null, (sh, sw), (ph, pw), (dh, dw), x[0] / w[1]);
        }, [Any]),
        new("unfold", (4, 4), Same(1), c =>
        {
            int kh = 1 + c.Random.NextInt(3), kw = 1 + c.Random.NextInt(3);
            var (sh, ph, dh) = SlideArgs(c, c.Shape[2], kh);
            var (sw, pw, dw) = SlideArgs(c, c.Shape[3], kw);
            return xs => xs[0].Unfold((kh, kw), (dh, dw), (ph, pw), (sh, sw));
        }, [Any]),
        new("fold", (4, 4), FoldShapes, c =>
        {
            var (_, output, kernel, dilation, padding, stride) = FoldArgs(c);
            return xs => Tensor.Fold(xs[0], output, kernel, dilation, padding, stride);
        }, [Any]),
        new("conv2d second derivative in x", (3, 4), ConvShapes(2, bias: false), c =>
        {
            var conv = Conv2dOf(c);
            return xs => GradOf(x => (conv([x, xs[1]]).Square() * 0.5 + conv([x, xs[1]]).Tanh()).Sum(), xs[0]);
        }, [Any]),
        new("conv2d second derivative in w", (3, 4), ConvShapes(2, bias: false), c =>
        {
            var conv = Conv2dOf(c);
            return xs => GradOf(w => (conv([xs[0], w]).Square() * 0.5 + conv([xs[0], w]).Tanh()).Sum(), xs[1]);
        }, [Any]),
    ];
}
