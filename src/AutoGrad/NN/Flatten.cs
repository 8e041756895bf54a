namespace AutoGrad.NN;

/// <summary>
/// Merges dimensions startDim..endDim into one, as <c>torch.nn.Flatten</c>: by default every
/// dimension but the batch's, so [N, C, H, W] becomes [N, C·H·W] for a <see cref="Linear"/> layer.
/// See <see cref="Tensor.Flatten(int, int, string, int)"/>. No parameters.
/// </summary>
public sealed class Flatten : Module
{
    /// <summary>Creates the layer (dimensions may be negative, counting from the end).</summary>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    /// <summary>First dimension merged.</summary>
    public int StartDim { get; }

    /// <summary>Last dimension merged (inclusive).</summary>
    public int EndDim { get; }

    /// <inheritdoc/>
    /// <exception cref="ShapeException">A dimension is out of range for the input, or startDim comes after endDim.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Flatten(StartDim, EndDim, "", 0);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Flatten(startDim={StartDim}, endDim={EndDim})";
}
