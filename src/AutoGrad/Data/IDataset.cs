namespace AutoGrad.Data;

/// <summary>What an example's target is: a class label (classification) or a float tensor (regression, sequences).</summary>
public enum TargetKind
{
    /// <summary>An integer class in [0, ClassCount).</summary>
    Labels,

    /// <summary>A float32 tensor of <see cref="IDataset.TargetShape"/> (empty shape: one number).</summary>
    Values,
}

/// <summary>
/// A data set as a <see cref="BatchLoader"/> reads it: a count of examples, each a float32 feature
/// tensor of one shape (a row, an image [C, H, W], a sequence [T, D], anything) and a target, an
/// integer label or a float tensor of one shape. Implement it for data of your own (read from disk
/// on demand, generated, augmented); the built-in <see cref="Dataset"/> (CSV, IDX, the embedded
/// sets) and <see cref="TensorDataset"/> implement it.
/// </summary>
public interface IDataset
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>The shape of one example's features (without the batch axis).</summary>
    IReadOnlyList<int> FeatureShape { get; }

    /// <summary>Labels or float values.</summary>
    TargetKind TargetKind { get; }

    /// <summary>The shape of one example's target when <see cref="TargetKind"/> is Values (empty: one number); empty for labels.</summary>
    IReadOnlyList<int> TargetShape { get; }

    /// <summary>Number of classes when the targets are labels; 0 otherwise.</summary>
    int ClassCount { get; }

    /// <summary>Writes example <paramref name="index"/>'s features (row-major, the product of <see cref="FeatureShape"/> numbers).</summary>
    void ReadFeatures(int index, Span<float> destination);

    /// <summary>Example <paramref name="index"/>'s class (targets of kind Labels).</summary>
    int ReadLabel(int index);

    /// <summary>Writes example <paramref name="index"/>'s target values (targets of kind Values).</summary>
    void ReadTarget(int index, Span<float> destination);
}
