namespace AutoGrad.Data;

/// <summary>
/// Feature standardization: <c>x' = (x − μ) / σ</c> per feature, with μ and σ (population
/// standard deviation) fitted on the training data only and then applied unchanged to holdout
/// and test data, so no information leaks from them. A constant feature (σ = 0) gets σ = 1, so it
/// maps to 0 instead of NaN.
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _std;

    private Standardizer(float[] mean, float[] std)
    {
        _mean = mean;
        _std = std;
    }

    /// <summary>Per-feature means μ.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-feature standard deviations σ (1 where the feature was constant).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Fits μ and σ on the features of <paramref name="train"/>.</summary>
    /// <exception cref="ArgumentException">The data set is empty.</exception>
    public static Standardizer Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit(train.Features);
    }

    /// <summary>Fits μ and σ on a feature matrix [N, D] (computed in float64).</summary>
    /// <exception cref="ArgumentException">Not a matrix, or no rows.</exception>
    public static Standardizer Fit(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        Guard.Rank("Standardizer.Fit", "features", features, 2);
        int n = features.Shape[0], d = features.Shape[1];
        if (n == 0) throw new ArgumentException("Standardizer.Fit: the data has no rows; there is nothing to fit", nameof(features));
        var x = features.ToDoubleArray();
        var sum = new double[d];
        for (int r = 0; r < n; r++) for (int c = 0; c < d; c++) sum[c] += x[r * d + c];
        var mean = new double[d];
        for (int c = 0; c < d; c++) mean[c] = sum[c] / n;
        var sq = new double[d];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < d; c++)
            {
                double z = x[r * d + c] - mean[c];
                sq[c] += z * z;
            }
        var std = new float[d];
        for (int c = 0; c < d; c++)
        {
            double s = Math.Sqrt(sq[c] / n);
            std[c] = s > 1e-12 * Math.Max(1, Math.Abs(mean[c])) ? (float)s : 1f;
        }
        return new Standardizer(mean.Select(m => (float)m).ToArray(), std);
    }

    /// <summary>Creates a standardizer from known statistics (e.g. saved from an earlier fit).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or a σ is not a finite number &gt; 0.</exception>
    public static Standardizer FromStatistics(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count != std.Count)
            throw new ArgumentException($"Standardizer.FromStatistics: {mean.Count} means but {std.Count} standard deviations", nameof(std));
        for (int i = 0; i < std.Count; i++)
            if (!(float.IsFinite(std[i]) && std[i] > 0)) throw new ArgumentOutOfRangeException(nameof(std), std[i], $"Standardizer.FromStatistics: std[{i}] must be a finite number > 0, got {std[i]}");
        return new Standardizer(mean.ToArray(), std.ToArray());
    }

    /// <summary>Number of features.</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>The data set with standardized features (labels and class names unchanged).</summary>
    /// <exception cref="ShapeException">The feature count differs from the fitted one.</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new Dataset(Transform(data.Features), data.Labels, data.ClassCount, data.ClassNames, data.ImageShape);
    }

    /// <summary><c>(x − μ) / σ</c> for a matrix [N, D] of float32 features, as a new tensor.</summary>
    /// <exception cref="ShapeException">Not a matrix, or the feature count differs from the fitted one.</exception>
    public Tensor Transform(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        Guard.Rank("Standardizer.Transform", "features", features, 2);
        if (features.Shape[1] != _mean.Length)
            throw ShapeErrors.WrongShape("Standardizer.Transform", "features", features.ShapeArray, $"a standardizer fitted on {_mean.Length} features",
                ShapeErrors.At(1, features.Shape[1], _mean.Length), $"[N, {_mean.Length}]");
        int n = features.Shape[0], d = _mean.Length;
        var src = features.To(DType.Float32).AsSpan<float>();
        var result = Tensor.Zeros(n, d);
        var dst = result.AsSpan<float>();
        for (int r = 0; r < n; r++)
        {
            int o = r * d;
            for (int c = 0; c < d; c++) dst[o + c] = (src[o + c] - _mean[c]) / _std[c];
        }
        return result;
    }
}
