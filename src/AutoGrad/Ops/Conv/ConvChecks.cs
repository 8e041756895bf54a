using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// The argument checks of conv1d, conv2d, unfold and fold, run before anything is computed: each
/// failure names the op, the argument and its value or the shapes (worded by <c>ShapeErrors</c>).
/// A 1-d op is checked on its own shapes and numbers, then runs as the 2-d op with a height of 1.
/// </summary>
internal static class ConvChecks
{
    /// <summary>
    /// The geometry of a convolution of <paramref name="input"/> by <paramref name="weight"/>, with
    /// <paramref name="spatial"/> (1 or 2) spatial axes; an unbatched input counts as a batch of one.
    /// For 1-d only the W half of each pair is used.
    /// </summary>
    public static ConvGeometry Conv(string op, int spatial, Tensor input, Tensor weight, Tensor? bias, Size2 stride, Size2 padding, Size2 dilation, int groups)
    {
        Guard.SameDType(op, input, weight);
        if (bias is not null) Guard.SameDType(op, input, bias);
        int[] x = input.ShapeArray, w = weight.ShapeArray;
        string batched = spatial == 2 ? "[N, C, H, W]" : "[N, C, L]", unbatched = spatial == 2 ? "[C, H, W]" : "[C, L]";
        if (x.Length != spatial + 2 && x.Length != spatial + 1)
            throw ShapeErrors.ConvInputRank(op, x, spatial + 2, batched, unbatched);
        if (w.Length != spatial + 2)
            throw ShapeErrors.WrongRank(op, "weight", w, spatial + 2, spatial == 2 ? "[out_channels, in_channels / groups, kH, kW]" : "[out_channels, in_channels / groups, kW]");
        Positive(op, "stride", stride, spatial, x);
        Positive(op, "dilation", dilation, spatial, x);
        NonNegative(op, "padding", padding, spatial, x);
        if (groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{op}: groups must be > 0, got {groups} (input {Shapes.Format(x)}, weight {Shapes.Format(w)})");
        int channelDim = x.Length - spatial - 1;
        int c = x[channelDim], o = w[0];
        if (c % groups != 0) throw ShapeErrors.ConvGroups(op, "input", x, channelDim, "in_channels", groups);
        if (o % groups != 0) throw ShapeErrors.ConvGroups(op, "weight", w, 0, "out_channels", groups);
        if (c / groups != w[1]) throw ShapeErrors.ConvChannels(op, x, channelDim, w, groups);
        if (bias is not null && (bias.Rank != 1 || bias.ShapeArray[0] != o))
            throw ShapeErrors.WrongShape(op, "bias", bias.ShapeArray, $"weight {Shapes.Format(w)}",
                bias.Rank != 1 ? ShapeErrors.Ranks(bias.Rank, 1) : ShapeErrors.At(0, "bias", 0, "weight", bias.ShapeArray[0], o, alwaysNamed: true), $"[{o}]");
        int h = spatial == 2 ? x[^2] : 1, wd = x[^1], kh = spatial == 2 ? w[^2] : 1, kw = w[^1];
        var s = spatial == 2 ? stride : new Size2(1, stride.W);
        var p = spatial == 2 ? padding : new Size2(0, padding.W);
        var d = spatial == 2 ? dilation : new Size2(1, dilation.W);
        if (spatial == 2) Fits(op, "input", x, x.Length - 2, h, p.H, w, dilation, spatial, kh, d.H);
        Fits(op, "input", x, x.Length - 1, wd, p.W, w, dilation, spatial, kw, d.W);
        int n = x.Length == spatial + 2 ? x[0] : 1;
        return new ConvGeometry(n, c, h, wd, o, groups, kh, kw, s.H, s.W, p.H, p.W, d.H, d.W);
    }

    /// <summary>The geometry of unfold on <paramref name="input"/> [N, C, H, W].</summary>
    public static ConvGeometry Unfold(Tensor input, Size2 kernelSize, Size2 dilation, Size2 padding, Size2 stride)
    {
        const string op = "unfold";
        int[] x = input.ShapeArray;
        if (x.Length != 4) throw ShapeErrors.WrongRank(op, "input", x, 4, "[N, C, H, W]");
        Sliding(op, x, kernelSize, dilation, padding, stride);
        Fits(op, "input", x, 2, x[2], padding.H, kernelSize, dilation, kernelSize.H, dilation.H);
        Fits(op, "input", x, 3, x[3], padding.W, kernelSize, dilation, kernelSize.W, dilation.W);
        return new ConvGeometry(x[0], x[1], x[2], x[3], 0, 1, kernelSize.H, kernelSize.W, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W);
    }

    /// <summary>The geometry of fold of <paramref name="input"/> [N, C·kH·kW, L] into [N, C, outputSize].</summary>
    public static ConvGeometry Fold(Tensor input, Size2 outputSize, Size2 kernelSize, Size2 dilation, Size2 padding, Size2 stride)
    {
        const string op = "fold";
        int[] x = input.ShapeArray;
        if (x.Length != 3) throw ShapeErrors.WrongRank(op, "input", x, 3, "[N, C·kH·kW, L]");
        Positive(op, "output_size", outputSize, 2, x);
        Sliding(op, x, kernelSize, dilation, padding, stride);
        int positions = kernelSize.H * kernelSize.W;
        if (x[1] % positions != 0) throw ShapeErrors.FoldChannels(x, kernelSize.ToString(), positions);
        if (!FitsIn(outputSize.H, padding.H, kernelSize.H, dilation.H) || !FitsIn(outputSize.W, padding.W, kernelSize.W, dilation.W))
        {
            int[] output = [x[0], x[1] / positions, outputSize.H, outputSize.W];
            Fits(op, "output_size", output, 2, outputSize.H, padding.H, kernelSize, dilation, kernelSize.H, dilation.H);
            Fits(op, "output_size", output, 3, outputSize.W, padding.W, kernelSize, dilation, kernelSize.W, dilation.W);
        }
        var g = new ConvGeometry(x[0], x[1] / positions, outputSize.H, outputSize.W, 0, 1, kernelSize.H, kernelSize.W, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W);
        if (x[2] != g.L)
            throw ShapeErrors.FoldBlocks(x, $"output_size {outputSize}, kernel_size {kernelSize}, dilation {dilation}, padding {padding} and stride {stride}", g.OH, g.OW);
        return g;
    }

    private static void Sliding(string op, int[] x, Size2 kernelSize, Size2 dilation, Size2 padding, Size2 stride)
    {
        Positive(op, "kernel_size", kernelSize, 2, x);
        Positive(op, "dilation", dilation, 2, x);
        NonNegative(op, "padding", padding, 2, x);
        Positive(op, "stride", stride, 2, x);
    }

    private static bool FitsIn(int size, int pad, int k, int dilation) => (long)dilation * (k - 1) + 1 <= size + 2L * pad;

    /// <summary>Size <paramref name="size"/> at <paramref name="dim"/>, padded on both sides, holds the dilated kernel of a weight.</summary>
    private static void Fits(string op, string argument, int[] shape, int dim, int size, int pad, int[] weight, Size2 dilations, int spatial, int k, int dilation)
    {
        if (!FitsIn(size, pad, k, dilation))
            throw TooLarge(op, argument, shape, dim, size, pad, $"weight {Shapes.Format(weight)} with dilation {Show(dilations, spatial)}", k, dilation);
    }

    /// <summary>Size <paramref name="size"/> at <paramref name="dim"/>, padded on both sides, holds the dilated kernel of unfold or fold.</summary>
    private static void Fits(string op, string argument, int[] shape, int dim, int size, int pad, Size2 kernelSize, Size2 dilations, int k, int dilation)
    {
        if (!FitsIn(size, pad, k, dilation))
            throw TooLarge(op, argument, shape, dim, size, pad, $"kernel_size {kernelSize} with dilation {dilations}", k, dilation);
    }

    private static ShapeException TooLarge(string op, string argument, int[] shape, int dim, int size, int pad, string kernel, int k, int dilation)
    {
        long span = (long)dilation * (k - 1) + 1, padded = size + 2L * pad;
        return ShapeErrors.KernelTooLarge(op, argument, shape, dim, (int)Math.Min(padded, int.MaxValue), kernel, (int)Math.Min(span, int.MaxValue));
    }

    private static string Show(Size2 v, int spatial) => spatial == 2 ? v.ToString() : v.W.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Positive(string op, string argument, Size2 v, int spatial, int[] input)
    {
        if ((spatial == 2 && v.H <= 0) || v.W <= 0)
            throw new ArgumentOutOfRangeException(argument, Show(v, spatial), $"{op}: {argument} must be > 0, got {Show(v, spatial)} (input {Shapes.Format(input)})");
    }

    private static void NonNegative(string op, string argument, Size2 v, int spatial, int[] input)
    {
        if ((spatial == 2 && v.H < 0) || v.W < 0)
            throw new ArgumentOutOfRangeException(argument, Show(v, spatial), $"{op}: {argument} must be >= 0, got {Show(v, spatial)} (input {Shapes.Format(input)})");
    }
}
