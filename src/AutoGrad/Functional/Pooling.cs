using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

public sealed partial class Tensor
{
    private static readonly int[] s_planeAxes = [-2, -1];

    /// <summary>
    /// Global average pooling of [N, C, H, W] (or [C, H, W]): the mean of each [H, W] plane, as
    /// <c>torch.nn.functional.adaptive_avg_pool2d(x, 1)</c>, giving [N, C, 1, 1] (or [N, C] without
    /// <paramref name="keepDim"/>); dy/dx = 1/(H·W).
    /// </summary>
    /// <exception cref="ShapeException">The input is not 3-d or 4-d.</exception>
    public Tensor GlobalAvgPool2d(bool keepDim = true, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Rank is not (3 or 4)) throw ShapeErrors.PoolRank("global_avg_pool2d", ShapeArray);
        using var _ = SourceSite.Enter("global_avg_pool2d", file, line);
        return Mean(s_planeAxes, keepDim);
    }
}
