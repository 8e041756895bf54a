namespace AutoGrad.Data;

/// <summary>A classification data set read as an <see cref="IDataset"/>: each example a row (or its image shape), its target a label.</summary>
public sealed partial class Dataset
{
    /// <summary>[D], or [C, H, W] when the rows are images.</summary>
    public IReadOnlyList<int> FeatureShape => ImageShape is { } s ? [s.Channels, s.Height, s.Width] : [FeatureCount];

    /// <summary>Always <see cref="Data.TargetKind.Labels"/>.</summary>
    public TargetKind TargetKind => TargetKind.Labels;

    /// <summary>Empty: a label is one integer.</summary>
    public IReadOnlyList<int> TargetShape => [];

    /// <inheritdoc/>
    public void ReadFeatures(int index, Span<float> destination) =>
        Features.AsSpan<float>().Slice(index * FeatureCount, FeatureCount).CopyTo(destination);

    /// <inheritdoc/>
    public int ReadLabel(int index) => Labels[index];

    /// <summary>Not for labels.</summary>
    /// <exception cref="InvalidOperationException">Always: the targets are labels.</exception>
    public void ReadTarget(int index, Span<float> destination) =>
        throw new InvalidOperationException("Dataset.ReadTarget: the targets are class labels; read them with ReadLabel");
}
