namespace AutoGrad.Data;

/// <summary>
/// An in-memory <see cref="IDataset"/> of N-d float32 features [N, ...] and either one class label
/// per example or float targets [N, ...] (regression: a number, a vector, a sequence per example).
/// </summary>
public sealed class TensorDataset : IDataset
{
    private readonly Tensor _features;
    private readonly Tensor? _targets;
    private readonly int[]? _labels;
    private readonly int _featureSize, _targetSize;

    /// <summary>Features [N, ...] with float targets [N, ...] (regression).</summary>
    /// <exception cref="ArgumentException">The first axes differ, there are no examples, a tensor is not float32, or a value is not finite.</exception>
    public TensorDataset(Tensor features, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _features = Check(features);
        if (targets.DType != DType.Float32)
            throw new ArgumentException($"TensorDataset: targets must be float32, got {targets.DType.Name()}", nameof(targets));
        if (targets.Rank == 0 || targets.Shape[0] != features.Shape[0])
            throw new ArgumentException($"TensorDataset: features {Shapes.Format(features.Shape)} and targets {Shapes.Format(targets.Shape)} must have the same first axis (one target per example)", nameof(targets));
        CheckFinite(targets, "targets");
        _targets = targets;
        _featureSize = features.Numel / features.Shape[0];
        _targetSize = targets.Numel / targets.Shape[0];
        FeatureShape = features.Shape[1..].ToArray();
        TargetShape = targets.Shape[1..].ToArray();
        TargetKind = TargetKind.Values;
    }

    /// <summary>Features [N, ...] with one class label per example (classification).</summary>
    /// <exception cref="ArgumentException">Counts differ, there are no examples, or a label is outside [0, classCount).</exception>
    public TensorDataset(Tensor features, int[] labels, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _features = Check(features);
        if (labels.Length != features.Shape[0])
            throw new ArgumentException($"TensorDataset: {features.Shape[0]} examples but {labels.Length} labels", nameof(labels));
        int k = classCount ?? labels.Max() + 1;
        Guard.Positive("TensorDataset", nameof(classCount), k);
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= k) throw new ArgumentException($"TensorDataset: label {labels[i]} of example {i} is outside [0, {k})", nameof(labels));
        _labels = labels;
        ClassCount = k;
        _featureSize = features.Numel / features.Shape[0];
        FeatureShape = features.Shape[1..].ToArray();
        TargetShape = [];
        TargetKind = TargetKind.Labels;
    }

    private static Tensor Check(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.DType != DType.Float32)
            throw new ArgumentException($"TensorDataset: features must be float32, got {features.DType.Name()}", nameof(features));
        if (features.Rank == 0 || features.Shape[0] == 0)
            throw new ArgumentException($"TensorDataset: features {Shapes.Format(features.Shape)} hold no examples; the first axis counts them", nameof(features));
        CheckFinite(features, "features");
        return features.Detach();
    }

    private static void CheckFinite(Tensor t, string what)
    {
        var s = t.AsSpan<float>();
        for (int i = 0; i < s.Length; i++)
            if (!float.IsFinite(s[i])) throw new ArgumentException($"TensorDataset: {what} element {i} is {s[i]}; values must be finite", what);
    }

    /// <inheritdoc/>
    public int Count => _features.Shape[0];

    /// <inheritdoc/>
    public IReadOnlyList<int> FeatureShape { get; }

    /// <inheritdoc/>
    public TargetKind TargetKind { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> TargetShape { get; }

    /// <inheritdoc/>
    public int ClassCount { get; }

    /// <inheritdoc/>
    public void ReadFeatures(int index, Span<float> destination) => _features.AsSpan<float>().Slice(index * _featureSize, _featureSize).CopyTo(destination);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The targets are values.</exception>
    public int ReadLabel(int index) => _labels is { } l ? l[index] : throw new InvalidOperationException("TensorDataset.ReadLabel: the targets are float values (regression); read them with ReadTarget");

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The targets are labels.</exception>
    public void ReadTarget(int index, Span<float> destination)
    {
        if (_targets is null) throw new InvalidOperationException("TensorDataset.ReadTarget: the targets are class labels; read them with ReadLabel");
        _targets.AsSpan<float>().Slice(index * _targetSize, _targetSize).CopyTo(destination);
    }
}
