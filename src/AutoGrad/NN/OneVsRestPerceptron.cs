using AutoGrad.Autograd;
using AutoGrad.Losses;

namespace AutoGrad.NN;

/// <summary>
/// Note 000's perceptron for k ≥ 2 classes, one versus the rest: k perceptrons side by side, the
/// j-th separating class j (label +1) from all others (label −1). Each is exactly a
/// <see cref="Perceptron"/>: the dummy feature x₀ = 1, w starting at 0, sgn(0) = −1, and the rule
/// w ← w + ((y − ŷ)/2)·x obtained as SGD with learning rate 1 on the perceptron criterion. The
/// predicted class is the one whose perceptron scores highest, argmax_j ⟨w_j, (1, x)⟩ (ties go to
/// the lowest index).
/// </summary>
/// <remarks>
/// The weights are one matrix W [d + 1, k] whose column j is perceptron j's (b_j, w_j1, …, w_jd).
/// The loss of an example is the sum of the k perceptrons' criteria; the perceptrons share no
/// parameter, so the gradient of that sum with respect to column j is perceptron j's own, and one
/// SGD step updates each perceptron by its own rule, at the same time and on the same example:
/// training it equals training the k binary perceptrons separately on the same example order.
/// </remarks>
public sealed class OneVsRestPerceptron : Module
{
    /// <summary>Creates k perceptrons for d features, all weights 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">features is not positive, or classes &lt; 2.</exception>
    public OneVsRestPerceptron(int features, int classes, DType dtype = DType.Float32)
    {
        Guard.Positive("OneVsRestPerceptron", nameof(features), features);
        if (classes < 2)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, $"OneVsRestPerceptron: classes must be >= 2, got {classes}");
        FeatureCount = features;
        ClassCount = classes;
        Weight = RegisterParameter("weight", Tensor.Zeros(dtype, features + 1, classes));
    }

    /// <summary>Number of input features d (without the dummy feature).</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes k (one perceptron each).</summary>
    public int ClassCount { get; }

    /// <summary>W [d + 1, k]: column j is perceptron j's weights, row 0 the biases (weights of the dummy feature).</summary>
    public Tensor Weight { get; }

    /// <summary>The k scores ⟨w_j, (1, x)⟩: [N, d] → [N, k], [d] → [k].</summary>
    /// <exception cref="ShapeException">The last dimension of x is not d.</exception>
    public Tensor Scores(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank is not (1 or 2) || x.Shape[^1] != FeatureCount)
            throw ShapeErrors.WrongShape("OneVsRestPerceptron", "x", x.ShapeArray, $"{FeatureCount} features (without the dummy feature)",
                x.Rank is not (1 or 2) ? ShapeErrors.Ranks(x.Rank, x.Rank == 0 ? 1 : 2) : ShapeErrors.At(x.Rank - 1, x.Shape[^1], FeatureCount), $"[{FeatureCount}] or [N, {FeatureCount}]");
        Guard.SameDType("OneVsRestPerceptron", x, Weight);
        return Tensor.Matmul(Perceptron.AddDummyFeature(x), Weight);
    }

    /// <summary>The scores (see <see cref="Scores"/>); <see cref="Predict"/> turns them into classes.</summary>
    public override Tensor Forward(Tensor input) => Scores(input);

    /// <summary>The predicted class of each row of x [N, d]: the perceptron with the highest score.</summary>
    public int[] Predict(Tensor x)
    {
        using (Tape.NoGrad()) return Scores(x).ArgMax(1);
    }

    /// <summary>The ±1 targets of the k perceptrons: [N, k], +1 in column labels[i] of row i, −1 elsewhere.</summary>
    /// <exception cref="ArgumentException">A label is outside [0, k).</exception>
    public Tensor Targets(ReadOnlySpan<int> labels)
    {
        var t = Tensor.Full(-1.0, Weight.DType, labels.Length, ClassCount);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)ClassCount)
                throw new ArgumentException($"OneVsRestPerceptron: label {labels[i]} at row {i} is outside [0, {ClassCount})", nameof(labels));
            t.SetFlat(i * ClassCount + labels[i], 1.0);
        }
        return t;
    }

    /// <summary>The summed perceptron criteria Σᵢ Σⱼ max(0, −yᵢⱼ⟨w_j, (1, xᵢ)⟩) of the k perceptrons on x [N, d].</summary>
    /// <exception cref="ArgumentException">A label is outside [0, k).</exception>
    public Tensor Loss(Tensor x, ReadOnlySpan<int> labels, Reduction reduction = Reduction.Sum) =>
        AutoGrad.Losses.Loss.PerceptronCriterion(Scores(x), Targets(labels), reduction);

    /// <summary>
    /// Trains as <see cref="Perceptron.Fit"/> does, every perceptron at once: loop over the
    /// examples in order, one SGD step (learning rate 1) per example on the summed criterion, and
    /// repeat until an epoch makes no mistake (no perceptron updated) or <paramref name="maxEpochs"/> have run.
    /// </summary>
    /// <param name="x">Inputs [N, d] without the dummy feature.</param>
    /// <param name="labels">Class of each row, in [0, k).</param>
    /// <param name="maxEpochs">Upper bound on passes over the data.</param>
    /// <returns>Convergence, epochs run, and per epoch the number of examples on which some perceptron made a mistake.</returns>
    /// <exception cref="ShapeException">x is not [N, d].</exception>
    /// <exception cref="ArgumentException">labels has another length than x has rows, or a label is outside [0, k).</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxEpochs is not positive.</exception>
    /// <exception cref="Training.DivergenceException">A criterion or the weights became NaN or ±∞ (non-finite inputs); the message names the epoch and step.</exception>
    public PerceptronFitResult Fit(Tensor x, int[] labels, int maxEpochs)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        Guard.Positive("OneVsRestPerceptron.Fit", nameof(maxEpochs), maxEpochs);
        Guard.Rank("OneVsRestPerceptron.Fit", "x", x, 2);
        if (x.Shape[1] != FeatureCount)
            throw ShapeErrors.WrongShape("OneVsRestPerceptron.Fit", "x", x.ShapeArray, $"{FeatureCount} features (without the dummy feature)", ShapeErrors.At(1, x.Shape[1], FeatureCount), $"[N, {FeatureCount}]");
        if (labels.Length != x.Shape[0])
            throw new ArgumentException($"OneVsRestPerceptron.Fit: {labels.Length} labels for {x.Shape[0]} rows of x; there must be one label per row", nameof(labels));
        Tensor xs, targets;
        using (Tape.NoGrad())
        {
            xs = x.Detach().To(Weight.DType);
            targets = Targets(labels); // validates every label before the first update
        }
        var mistakes = new List<int>();
        var guard = new Training.DivergenceGuard(this);
        using var recording = Tape.EnableGrad();
        for (int epoch = 0; epoch < maxEpochs; epoch++)
        {
            int count = 0;
            guard.BeginEpoch(epoch + 1);
            for (int i = 0; i < xs.Shape[0]; i++)
            {
                var score = Scores(xs.Select(0, i));
                var y = targets.Select(0, i);
                Weight.ZeroGrad();
                var loss = AutoGrad.Losses.Loss.PerceptronCriterion(score, y);
                guard.CheckLoss(loss.Item());
                loss.Backward();
                bool mistake = false;
                using (Tape.NoGrad())
                {
                    var g = Weight.Grad!;
                    mistake = g.Abs().Sum().Item() > 0; // a mistake moves w by ±(1, x), never 0
                    Weight.CopyFrom(Weight - g);
                }
                guard.CheckParameters();
                if (mistake) count++;
            }
            mistakes.Add(count);
            if (count == 0) return new PerceptronFitResult(true, epoch + 1, mistakes);
        }
        return new PerceptronFitResult(false, maxEpochs, mistakes);
    }
}
