namespace AutoGrad.NN;

/// <summary>The constructor checks <see cref="Conv1d"/> and <see cref="Conv2d"/> share.</summary>
internal static class ConvModuleChecks
{
    /// <summary>Positive channel counts and groups, and groups dividing both.</summary>
    public static void Channels(string op, int inChannels, int outChannels, int groups)
    {
        Guard.Positive(op, nameof(inChannels), inChannels);
        Guard.Positive(op, nameof(outChannels), outChannels);
        Guard.Positive(op, nameof(groups), groups);
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{op}: groups {groups} must divide inChannels {inChannels} and outChannels {outChannels}", nameof(groups));
    }

    public static void Positive(string op, string argument, Size2 value)
    {
        if (value.H <= 0 || value.W <= 0)
            throw new ArgumentOutOfRangeException(argument, value.ToString(), $"{op}: {argument} must be > 0, got {value}");
    }

    /// <summary>Positive stride and dilation, non-negative padding.</summary>
    public static (Size2, Size2, Size2) Sliding(string op, Size2 stride, Size2 padding, Size2 dilation)
    {
        Positive(op, nameof(stride), stride);
        if (padding.H < 0 || padding.W < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding.ToString(), $"{op}: padding must be >= 0, got {padding}");
        Positive(op, nameof(dilation), dilation);
        return (stride, padding, dilation);
    }

    /// <summary>A weight of the given rank, groups dividing its output channels, and a bias [C_out] of its dtype.</summary>
    public static void Weights(string op, Tensor weight, Tensor? bias, int rank, int groups)
    {
        ArgumentNullException.ThrowIfNull(weight);
        Guard.Rank(op, "weight", weight, rank);
        Guard.Positive(op, nameof(groups), groups);
        if (weight.Shape[0] % groups != 0)
            throw new ArgumentException($"{op}: groups {groups} must divide the weight's out_channels {weight.Shape[0]} (weight {Shapes.Format(weight.Shape)})", nameof(groups));
        if (bias is null) return;
        Guard.SameDType(op, weight, bias);
        if (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0])
            throw ShapeErrors.WrongShape(op, "bias", bias.ShapeArray, $"weight {Shapes.Format(weight.Shape)}",
                bias.Rank != 1 ? ShapeErrors.Ranks(bias.Rank, 1) : ShapeErrors.At(0, "bias", 0, "weight", bias.Shape[0], weight.Shape[0]), $"[{weight.Shape[0]}]");
    }
}
