namespace AutoGrad.NN;

/// <summary>
/// Global average pooling: the mean of each [H, W] plane of [N, C, H, W] (or [C, H, W]), giving
/// [N, C, 1, 1] as <c>torch.nn.AdaptiveAvgPool2d(1)</c> does. See <see cref="Tensor.GlobalAvgPool2d"/>. No parameters.
/// </summary>
public sealed class GlobalAvgPool2d : Module
{
    /// <inheritdoc/>
    /// <exception cref="ShapeException">The input is not 3-d or 4-d.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.GlobalAvgPool2d(keepDim: true, "", 0);
    }

    /// <inheritdoc/>
    public override string ToString() => "GlobalAvgPool2d()";
}
