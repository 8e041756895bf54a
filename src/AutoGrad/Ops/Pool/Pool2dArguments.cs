using AutoGrad.Kernels;

namespace AutoGrad.Ops;

/// <summary>
/// The argument checks the 2-d poolings share, with PyTorch's rules: the input is [C, H, W] or
/// [N, C, H, W]; kernel size and stride are positive; padding is at least 0 and at most half the
/// kernel (so every window overlaps the input); the padded input is at least as large as the
/// kernel. Each error names the op, the argument, its value and the input's shape.
/// </summary>
internal static class Pool2dArguments
{
    /// <summary>Checks the arguments and gives the geometry (planes = every leading dimension).</summary>
    /// <exception cref="ShapeException">The rank is not 3 or 4, or the padded input is smaller than the kernel.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A kernel size or stride is not positive, or a padding is negative or more than half the kernel.</exception>
    public static Pool2dGeometry Check(string op, Tensor x, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding)
    {
        var shape = x.ShapeArray;
        if (x.Rank is not (3 or 4)) throw ShapeErrors.PoolRank(op, shape);
        Window(op, kernel, stride, padding, shape);
        int h = shape[^2], w = shape[^1];
        if (h + 2 * padding.H < kernel.H) throw ShapeErrors.PoolInputTooSmall(op, shape, x.Rank - 2, padding.H, kernel.H);
        if (w + 2 * padding.W < kernel.W) throw ShapeErrors.PoolInputTooSmall(op, shape, x.Rank - 1, padding.W, kernel.W);
        return new Pool2dGeometry(Shapes.Numel(shape.AsSpan(0, x.Rank - 2)), h, w, kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W);
    }

    /// <summary>The checks of the window alone (a pooling layer makes them at construction, with no input to name).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A kernel size or stride is not positive, or a padding is negative or more than half the kernel.</exception>
    public static void Window(string op, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, int[]? shape = null)
    {
        if (kernel.H <= 0 || kernel.W <= 0) throw Argument(op, "kernelSize", kernel, "must be > 0", shape);
        if (stride.H <= 0 || stride.W <= 0) throw Argument(op, "stride", stride, "must be > 0", shape);
        if (padding.H < 0 || padding.W < 0) throw Argument(op, "padding", padding, "must be >= 0", shape);
        if (2 * padding.H > kernel.H || 2 * padding.W > kernel.W)
            throw Argument(op, "padding", padding, $"must be at most half of kernelSize {Pair(kernel)} (PyTorch's rule, so that every window overlaps the input)", shape);
    }

    /// <summary>The output shape: the input's leading dimensions, then [OH, OW].</summary>
    public static int[] OutputShape(int[] input, in Pool2dGeometry g) => Shapes.WithMatrix(input, g.OH, g.OW);

    /// <summary>A pair as the user wrote it: one number when both sides agree.</summary>
    public static string Pair((int H, int W) p) => p.H == p.W ? $"{p.H}" : $"({p.H}, {p.W})";

    private static ArgumentOutOfRangeException Argument(string op, string argument, (int H, int W) value, string rule, int[]? shape) =>
        new(argument, $"{op}: {argument} {rule}, got {Pair(value)}{(shape is null ? "" : $" (input {Shapes.Format(shape)})")}");
}
