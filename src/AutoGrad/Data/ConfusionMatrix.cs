using System.Globalization;
using System.Text;

namespace AutoGrad.Data;

/// <summary>
/// Counts of (actual class, predicted class) pairs: entry [a, p] is the number of examples of
/// class a predicted as p. The diagonal holds the correct predictions. Recall of class c is
/// <c>[c, c] / Σ_p [c, p]</c> (its row), precision <c>[c, c] / Σ_a [a, c]</c> (its column).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>Counts the pairs (actual[i], predicted[i]).</summary>
    /// <exception cref="ArgumentException">Lengths differ, no rows, or names do not match the class count.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class outside [0, classCount), or classCount ≤ 0.</exception>
    public ConfusionMatrix(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount, IReadOnlyList<string>? classNames = null)
    {
        const string op = "ConfusionMatrix";
        Guard.Positive(op, nameof(classCount), classCount);
        Metrics.CheckCounts(op, predicted.Length, actual.Length);
        if (classNames is not null && classNames.Count != classCount)
            throw new ArgumentException($"{op}: {classNames.Count} class names for {classCount} classes", nameof(classNames));
        _counts = new long[classCount * classCount];
        for (int i = 0; i < actual.Length; i++)
        {
            Metrics.CheckLabel(op, actual[i], i, classCount);
            if ((uint)predicted[i] >= (uint)classCount)
                throw new ArgumentOutOfRangeException(nameof(predicted), predicted[i], $"{op}: predicted class {predicted[i]} at row {i} is outside [0, {classCount})");
            _counts[actual[i] * classCount + predicted[i]]++;
        }
        ClassCount = classCount;
        Total = actual.Length;
        ClassNames = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The matrix of a classifier's scores [N, C] (argmax) against the labels.</summary>
    /// <exception cref="ArgumentException">Counts differ or no rows.</exception>
    public static ConfusionMatrix FromScores(Tensor scores, ReadOnlySpan<int> labels, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Guard.Rank("ConfusionMatrix.FromScores", "scores", scores, 2);
        return new ConfusionMatrix(labels, Metrics.PredictedClasses(scores), scores.Shape[1], classNames);
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Number of examples counted.</summary>
    public long Total { get; }

    /// <summary>Class names (indices as text when none were given).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of examples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="IndexOutOfRangeException">A class index is out of range.</exception>
    public long this[int actual, int predicted]
    {
        get
        {
            if ((uint)actual >= (uint)ClassCount || (uint)predicted >= (uint)ClassCount)
                throw new IndexOutOfRangeException($"ConfusionMatrix: [{actual}, {predicted}] is outside a {ClassCount}×{ClassCount} matrix");
            return _counts[actual * ClassCount + predicted];
        }
    }

    /// <summary>Fraction of correct predictions: trace / total.</summary>
    public double Accuracy
    {
        get
        {
            long c = 0;
            for (int i = 0; i < ClassCount; i++) c += _counts[i * ClassCount + i];
            return (double)c / Total;
        }
    }

    /// <summary>Recall of class c: correct / examples of c (NaN if c never occurs).</summary>
    public double Recall(int c)
    {
        long row = 0;
        for (int p = 0; p < ClassCount; p++) row += this[c, p];
        return row == 0 ? double.NaN : (double)this[c, c] / row;
    }

    /// <summary>Precision of class c: correct / predictions of c (NaN if c is never predicted).</summary>
    public double Precision(int c)
    {
        long col = 0;
        for (int a = 0; a < ClassCount; a++) col += this[a, c];
        return col == 0 ? double.NaN : (double)this[c, c] / col;
    }

    /// <summary>
    /// A table: one row per actual class (index and name), one column per predicted class (index),
    /// each row's recall at the right and each column's precision below.
    /// </summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        static string Pct(double v) => double.IsNaN(v) ? "-" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        // Names that are just the index ("0", "1", ...) are not repeated.
        var rowLabels = Enumerable.Range(0, ClassCount)
            .Select(i => ClassNames[i] == i.ToString(inv) ? ClassNames[i] : $"{i} {ClassNames[i]}").ToArray();
        int labelWidth = Math.Max("precision".Length, rowLabels.Max(s => s.Length));
        int cell = Math.Max(7, _counts.Max().ToString(inv).Length + 1);
        var sb = new StringBuilder();
        sb.Append(inv, $"confusion matrix ({ClassCount} classes, {Total} examples; rows: actual, columns: predicted), accuracy {Pct(Accuracy)}").AppendLine();
        sb.Append(new string(' ', labelWidth));
        for (int p = 0; p < ClassCount; p++) sb.Append(p.ToString(inv).PadLeft(cell));
        sb.Append("recall".PadLeft(cell + 1)).AppendLine();
        for (int a = 0; a < ClassCount; a++)
        {
            sb.Append(rowLabels[a].PadRight(labelWidth));
            for (int p = 0; p < ClassCount; p++) sb.Append(this[a, p].ToString(inv).PadLeft(cell));
            sb.Append(Pct(Recall(a)).PadLeft(cell + 1)).AppendLine();
        }
        sb.Append("precision".PadRight(labelWidth));
        for (int p = 0; p < ClassCount; p++) sb.Append(Pct(Precision(p)).PadLeft(cell));
        sb.AppendLine();
        return sb.ToString();
    }
}
