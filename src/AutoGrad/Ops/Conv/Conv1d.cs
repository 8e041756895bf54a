using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>
    /// 1-d convolution (cross-correlation, as torch.nn.functional.conv1d):
    /// y[n, o, j] = b[o] + Σ_{c, q} w[o, c, q] · x[n, g·C/groups + c, j·stride − padding + q·dilation]
    /// over the input channels c of o's group g, zeros outside the input. Input [N, C, L] (or [C, L],
    /// unbatched), weight [O, C/groups, k], bias [O]; output [N, O, L_out] with
    /// L_out = ⌊(L + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1. It runs as <see cref="Conv2d"/> on a
    /// height of 1, so its gradients (of any order) are conv2d's.
    /// </summary>
    /// <param name="input">[N, C, L] or [C, L].</param>
    /// <param name="weight">[out_channels, in_channels / groups, k].</param>
    /// <param name="bias">[out_channels], or null.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="padding">Zeros added on each side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups: each output channel sees C/groups input channels.</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    /// <exception cref="ShapeException">A rank is wrong, the channels do not fit the weight or groups, the bias is not [O], or the dilated kernel is larger than the padded input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">stride, dilation or groups is not positive, or padding is negative.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var g = ConvChecks.Conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups);
        bool unbatched = input.Rank == 2;
        using var _ = SourceSite.Enter("conv1d", file, line);
        // [N, C, L] as [N, C, 1, L] and the kernel as [O, C/groups, 1, k].
        var x = (unbatched ? input.Unsqueeze(0) : input).Unsqueeze(2);
        var y = Conv2dNode.Apply(x, weight.Unsqueeze(2), bias, g, "", 0).Squeeze(2);
        return unbatched ? y.Squeeze(0) : y;
    }
}
