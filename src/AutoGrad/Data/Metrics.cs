namespace AutoGrad.Data;

/// <summary>
/// Evaluation metrics, computed in float64 outside the tape: for classifiers, predicted classes
/// (argmax), accuracy, log-loss; for regression and forecasts, mean squared error and the average
/// relative variance (ARV). For a confusion matrix see <see cref="ConfusionMatrix"/>.
/// </summary>
public static class Metrics
{
    /// <summary>The predicted class of each row of a score matrix [N, C] (logits or probabilities): its argmax, the first on ties.</summary>
    /// <exception cref="ShapeException">Not a matrix, or no columns.</exception>
    public static int[] PredictedClasses(Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Guard.Rank("Metrics.PredictedClasses", "scores", scores, 2);
        int n = scores.Shape[0], c = scores.Shape[1];
        if (c == 0 && n > 0) throw ShapeErrors.EmptyReduction("Metrics.PredictedClasses", scores.ShapeArray, 1);
        var r = new int[n];
        var s = scores.ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < c; j++) if (s[i * c + j] > s[i * c + best]) best = j;
            r[i] = best;
        }
        return r;
    }

    /// <summary>Fraction of rows whose predicted class equals the label: <c>(1/N) Σᵢ [ŷᵢ = yᵢ]</c>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or there are no rows.</exception>
    public static double Accuracy(ReadOnlySpan<int> predicted, ReadOnlySpan<int> labels)
    {
        CheckCounts("Metrics.Accuracy", predicted.Length, labels.Length);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) correct++;
        return (double)correct / labels.Length;
    }

    /// <summary>Accuracy of the argmax of a score matrix [N, C] against labels.</summary>
    /// <exception cref="ArgumentException">Row and label counts differ, or there are no rows.</exception>
    public static double Accuracy(Tensor scores, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Guard.Rank("Metrics.Accuracy", "scores", scores, 2);
        CheckCounts("Metrics.Accuracy", scores.Shape[0], labels.Length);
        return Accuracy(PredictedClasses(scores), labels);
    }

    /// <summary>
    /// Mean negative log-likelihood of the labels under predicted probabilities [N, C]:
    /// <c>−(1/N) Σᵢ log max(p_{i,yᵢ}, ε)</c>; the floor ε keeps a confident mistake finite (as scikit-learn's log_loss).
    /// </summary>
    /// <exception cref="ArgumentException">Counts differ, no rows, a label outside [0, C), or a probability outside [0, 1].</exception>
    public static double LogLoss(Tensor probabilities, ReadOnlySpan<int> labels, double epsilon = 1e-15)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        const string op = "Metrics.LogLoss";
        Guard.Rank(op, "probabilities", probabilities, 2);
        Guard.InRange(op, nameof(epsilon), epsilon, 0, 0.5);
        int n = probabilities.Shape[0], c = probabilities.Shape[1];
        CheckCounts(op, n, labels.Length);
        var p = probabilities.ToDoubleArray();
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            CheckLabel(op, labels[i], i, c);
            double q = p[i * c + labels[i]];
            if (!(q >= 0 && q <= 1)) throw new ArgumentException($"{op}: probability {q} at row {i}, class {labels[i]} is not in [0, 1]; pass softmax outputs, or use LogLossFromLogits", nameof(probabilities));
            total -= Math.Log(Math.Max(q, epsilon));
        }
        return total / n;
    }

    /// <summary>
    /// Log-loss from logits z [N, C] (softmax applied implicitly, stably):
    /// <c>(1/N) Σᵢ (logΣⱼ e^{z_{ij}} − z_{i,yᵢ})</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Counts differ, no rows, or a label outside [0, C).</exception>
    public static double LogLossFromLogits(Tensor logits, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        const string op = "Metrics.LogLossFromLogits";
        Guard.Rank(op, "logits", logits, 2);
        int n = logits.Shape[0], c = logits.Shape[1];
        CheckCounts(op, n, labels.Length);
        var z = logits.ToDoubleArray();
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            CheckLabel(op, labels[i], i, c);
            double m = double.NegativeInfinity;
            for (int j = 0; j < c; j++) m = Math.Max(m, z[i * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.Exp(z[i * c + j] - m);
            total += m + Math.Log(s) - z[i * c + labels[i]];
        }
        return total / n;
    }

    /// <summary>Mean squared error <c>(1/N) Σ (ŷ − y)²</c> over all elements of two tensors of the same shape.</summary>
    /// <exception cref="ShapeException">The shapes differ.</exception>
    /// <exception cref="ArgumentException">The tensors are empty.</exception>
    public static double MeanSquaredError(Tensor predicted, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(target);
        Guard.SameShape("Metrics.MeanSquaredError", predicted, target);
        if (predicted.Numel == 0) throw new ArgumentException("Metrics.MeanSquaredError: the tensors are empty", nameof(predicted));
        var a = predicted.ToDoubleArray();
        var b = target.ToDoubleArray();
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s / a.Length;
    }

    /// <summary>
    /// Average relative variance, <c>ARV = (1/N) Σ (ŷ − y)² / σ²</c>: the mean squared error of a
    /// forecast divided by a variance σ², so 1 is the error of always predicting the mean and 0 a
    /// perfect forecast. σ² is an argument, not computed from <paramref name="actual"/>: the classic
    /// sunspot benchmark (Weigend, Huberman &amp; Rumelhart 1990) divides the error of every span
    /// (training, 1921–1955, 1956–1979) by the same number, the variance of the whole record
    /// (<see cref="TimeSeries.Variance"/> of the full series), so the spans' ARVs are comparable.
    /// Give σ² in the units of the predictions (for scaled values, <see cref="SeriesScale.ScaleVariance"/>).
    /// </summary>
    /// <param name="predicted">Forecasts, any shape.</param>
    /// <param name="actual">True values, the same shape.</param>
    /// <param name="variance">σ², finite and &gt; 0.</param>
    /// <exception cref="ShapeException">The shapes differ.</exception>
    /// <exception cref="ArgumentException">The tensors are empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">variance is not a finite number &gt; 0.</exception>
    public static double Arv(Tensor predicted, Tensor actual, double variance)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(actual);
        Guard.Positive("Metrics.Arv", nameof(variance), variance);
        Guard.SameShape("Metrics.Arv", predicted, actual);
        if (predicted.Numel == 0) throw new ArgumentException("Metrics.Arv: the tensors are empty", nameof(predicted));
        return MeanSquaredError(predicted, actual) / variance;
    }

    /// <summary>Average relative variance of forecasts given as numbers: <c>(1/N) Σ (ŷ − y)² / σ²</c> (see <see cref="Arv(Tensor, Tensor, double)"/>).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or there are no values.</exception>
    /// <exception cref="ArgumentOutOfRangeException">variance is not a finite number &gt; 0.</exception>
    public static double Arv(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual, double variance)
    {
        Guard.Positive("Metrics.Arv", nameof(variance), variance);
        if (predicted.Length != actual.Length)
            throw new ArgumentException($"Metrics.Arv: {predicted.Length} predictions but {actual.Length} actual values; there must be one per prediction", nameof(actual));
        if (actual.Length == 0) throw new ArgumentException("Metrics.Arv: no values to evaluate", nameof(actual));
        double s = 0;
        for (int i = 0; i < actual.Length; i++) s += (predicted[i] - actual[i]) * (predicted[i] - actual[i]);
        return s / actual.Length / variance;
    }

    internal static void CheckCounts(string op, int predicted, int labels)
    {
        if (predicted != labels) throw new ArgumentException($"{op}: {predicted} predictions but {labels} labels; there must be one label per row", nameof(labels));
        if (labels == 0) throw new ArgumentException($"{op}: no rows to evaluate", nameof(labels));
    }

    internal static void CheckLabel(string op, int label, int row, int classes)
    {
        if ((uint)label >= (uint)classes)
            throw new ArgumentOutOfRangeException("labels", label, $"{op}: label {label} at row {row} is outside [0, {classes})");
    }
}
