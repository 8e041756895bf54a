namespace AutoGrad.Data;

/// <summary>
/// An in-memory classification data set: a float32 feature matrix [N, D] and one integer class
/// label per row.
/// </summary>
public sealed partial class Dataset : IDataset
{
    /// <summary>Features, [N, D] float32.</summary>
    public Tensor Features { get; }

    /// <summary>Class label of each row, in [0, ClassCount).</summary>
    public int[] Labels { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Class names when known (e.g. "setosa"), else "0", "1", ...</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of features per row.</summary>
    public int FeatureCount => Features.Shape[1];

    /// <summary>
    /// The layout of each row as an image (CHW), when the rows are images (MNIST-format files, the
    /// digits set); null otherwise. A <see cref="DataLoader"/> with <c>Images = true</c> then gives
    /// NCHW batches, and <see cref="Images"/> views all rows so.
    /// </summary>
    public ImageShape? ImageShape { get; }

    /// <summary>The same rows and labels, each row read as an image of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">C·H·W differs from the feature count.</exception>
    public Dataset WithImageShape(ImageShape shape)
    {
        shape.Validate("Dataset.WithImageShape");
        return new Dataset(Features, Labels, ClassCount, ClassNames, shape);
    }

    /// <summary>Every row as an image: the features viewed as [N, C, H, W] (no copy).</summary>
    /// <exception cref="InvalidOperationException">The data set has no <see cref="ImageShape"/>.</exception>
    public Tensor Images()
    {
        var s = ImageShape ?? throw new InvalidOperationException(
            $"Dataset.Images: the rows ({FeatureCount} features) have no image shape; give them one with WithImageShape(new ImageShape(channels, height, width))");
        return Features.Reshape([Count, s.Channels, s.Height, s.Width]);
    }

    /// <summary>Creates a data set, checking that features and labels agree.</summary>
    /// <param name="features">Features, [N, D].</param>
    /// <param name="labels">One class label per row.</param>
    /// <param name="classCount">Number of classes; defaults to the largest label + 1.</param>
    /// <param name="classNames">Class names; default "0", "1", ...</param>
    /// <param name="imageShape">The layout of each row as an image (C·H·W = D), when the rows are images.</param>
    /// <exception cref="ArgumentException">Features are not 2-d, there are no rows or no features, row and label counts differ, a label is out of range, or the image shape does not hold D features.</exception>
    public Dataset(Tensor features, int[] labels, int? classCount = null, IReadOnlyList<string>? classNames = null, ImageShape? imageShape = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rank != 2)
            throw new ArgumentException($"Dataset: features must be a matrix [rows, features], got shape {Shapes.Format(features.ShapeArray)}", nameof(features));
        if (features.Shape[0] != labels.Length)
            throw new ArgumentException($"Dataset: {features.Shape[0]} feature rows but {labels.Length} labels; there must be one label per row", nameof(labels));
        if (labels.Length == 0)
            throw new ArgumentException($"Dataset: features has shape {Shapes.Format(features.ShapeArray)}, no rows; a data set needs at least one example", nameof(features));
        if (features.Shape[1] == 0)
            throw new ArgumentException($"Dataset: features has shape {Shapes.Format(features.ShapeArray)}, no feature columns; each example needs at least one feature", nameof(features));
        if (classCount is < 1)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"Dataset: classCount must be >= 1, got {classCount}");
        int k = classCount ?? labels.Max() + 1;
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= k)
                throw new ArgumentException($"Dataset: label {labels[i]} at row {i} is outside [0, {k})", nameof(labels));
        if (imageShape is { } img)
        {
            img.Validate("Dataset");
            if (img.Size != features.Shape[1])
                throw new ArgumentException($"Dataset: image shape {img} (C×H×W) holds {img.Size} features but the rows have {features.Shape[1]}", nameof(imageShape));
        }
        ImageShape = imageShape;
        Features = features.To(DType.Float32);
        Labels = labels;
        ClassCount = k;
        ClassNames = classNames ?? Enumerable.Range(0, k).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>A data set from a feature matrix (one row per example) and one label per row.</summary>
    /// <exception cref="ArgumentException">Row and label counts differ, or a label is out of range.</exception>
    public static Dataset FromArrays(float[,] features, int[] labels, int? classCount = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return new Dataset(Tensor.FromArray(features), labels, classCount, classNames);
    }

    /// <summary>A data set from a feature matrix given as doubles (stored as float32).</summary>
    /// <exception cref="ArgumentException">Row and label counts differ, or a label is out of range.</exception>
    public static Dataset FromArrays(double[,] features, int[] labels, int? classCount = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return new Dataset(Tensor.FromArray(features), labels, classCount, classNames);
    }

    /// <summary>A data set from jagged rows of features (every row the same length) and one label per row.</summary>
    /// <exception cref="ArgumentException">Rows differ in length, row and label counts differ, or a label is out of range.</exception>
    public static Dataset FromArrays(float[][] features, int[] labels, int? classCount = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        int d = features.Length == 0 ? 0 : (features[0] ?? throw new ArgumentException("Dataset.FromArrays: row 0 is null", nameof(features))).Length;
        var x = new float[features.Length * d];
        for (int r = 0; r < features.Length; r++)
        {
            var row = features[r] ?? throw new ArgumentException($"Dataset.FromArrays: row {r} is null", nameof(features));
            if (row.Length != d)
                throw new ArgumentException($"Dataset.FromArrays: row {r} has {row.Length} features but row 0 has {d}", nameof(features));
            row.CopyTo(x, r * d);
        }
        return new Dataset(Tensor.FromArray(x, features.Length, d), labels, classCount, classNames);
    }

    /// <summary>The rows at the given indices, as a new data set.</summary>
    public Dataset Subset(ReadOnlySpan<int> rows)
    {
        var labels = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++) labels[i] = Labels[rows[i]];
        return new Dataset(Features.Detach().IndexSelect(0, rows), labels, ClassCount, ClassNames, ImageShape);
    }
}
