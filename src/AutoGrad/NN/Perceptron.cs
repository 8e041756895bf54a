using AutoGrad.Autograd;
using AutoGrad.Losses;

namespace AutoGrad.NN;

/// <summary>
/// Rosenblatt's perceptron as in note 000: f_w(x) = sgn(⟨w, x⟩) with the dummy-feature trick
/// (x₀ = 1 is prepended, so w = (b, w₁, …, w_d) and w₀ is the bias), sgn(0) = −1, labels in
/// {−1, +1}, and w = 0 at the start.
/// </summary>
/// <remarks>
/// <see cref="Fit"/> trains it by SGD with learning rate 1 on the perceptron criterion
/// max(0, −y⟨w, x⟩), one example at a time. The tape's gradient of the criterion is −y·x on a
/// mistake and 0 otherwise, so each step is exactly the notes' rule w ← w + ((y − ŷ)/2)·x:
/// (y − ŷ)/2 is +1 when y = +1, ŷ = −1, −1 when y = −1, ŷ = +1, and 0 when ŷ = y.
/// It converges on linearly separable data (AND, OR) and never on XOR.
/// </remarks>
public sealed class Perceptron : Module
{
    private readonly Sign _sign = new(valueAtZero: -1);

    /// <summary>Creates a perceptron for d features with w = 0 ([d + 1] with the dummy feature's weight at index 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">features is not positive.</exception>
    public Perceptron(int features, DType dtype = DType.Float32)
    {
        Guard.Positive("Perceptron", nameof(features), features);
        FeatureCount = features;
        Weight = RegisterParameter("weight", Tensor.Zeros(dtype, features + 1));
    }

    /// <summary>Number of input features d (without the dummy feature).</summary>
    public int FeatureCount { get; }

    /// <summary>w = (b, w₁, …, w_d), [d + 1]; w₀ multiplies the dummy feature x₀ = 1.</summary>
    public Tensor Weight { get; }

    /// <summary>Prepends the dummy feature x₀ = 1: [N, d] → [N, d + 1], or [d] → [d + 1].</summary>
    /// <exception cref="ShapeException">x is not 1-d or 2-d.</exception>
    public static Tensor AddDummyFeature(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank is not (1 or 2))
            throw ShapeErrors.WrongShape("Perceptron.AddDummyFeature", "x", x.ShapeArray, "a vector or a batch of vectors", ShapeErrors.Ranks(x.Rank, x.Rank == 0 ? 1 : 2), "[d] or [N, d]");
        var ones = x.Rank == 1 ? Tensor.Ones(x.DType, 1) : Tensor.Ones(x.DType, x.Shape[0], 1);
        return Tensor.Concat([ones, x], -1);
    }

    /// <summary>The score ⟨w, (1, x)⟩ = b + Σ wⱼxⱼ: [N, d] → [N], [d] → scalar. d score/dw = (1, x).</summary>
    /// <exception cref="ShapeException">The last dimension of x is not d.</exception>
    public Tensor Scores(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank is not (1 or 2) || x.Shape[^1] != FeatureCount)
            throw ShapeErrors.WrongShape("Perceptron", "x", x.ShapeArray, $"{FeatureCount} features (without the dummy feature)",
                x.Rank is not (1 or 2) ? ShapeErrors.Ranks(x.Rank, x.Rank == 0 ? 1 : 2) : ShapeErrors.At(x.Rank - 1, x.Shape[^1], FeatureCount), $"[{FeatureCount}] or [N, {FeatureCount}]");
        Guard.SameDType("Perceptron", x, Weight);
        return Tensor.Matmul(AddDummyFeature(x), Weight);
    }

    /// <summary>The prediction ŷ = sgn(⟨w, (1, x)⟩) ∈ {−1, +1} with sgn(0) = −1.</summary>
    public override Tensor Forward(Tensor input) => _sign.Forward(Scores(input));

    /// <summary>
    /// Trains on (x, y) as note 000 does: loop over the examples in order, one SGD step per
    /// example on the perceptron criterion (so w changes by ±x on a mistake only), and repeat until
    /// an epoch makes no mistake or <paramref name="maxEpochs"/> have run. Named Fit because
    /// <see cref="Module.Train(bool)"/> switches the training mode.
    /// </summary>
    /// <param name="x">Inputs [N, d] without the dummy feature.</param>
    /// <param name="y">Labels [N] in {−1, +1}.</param>
    /// <param name="maxEpochs">Upper bound on passes over the data.</param>
    /// <param name="learningRate">Step size; 1 gives the notes' rule (any positive value gives the same predictions from w = 0).</param>
    /// <exception cref="ShapeException">x is not [N, d] or y is not [N].</exception>
    /// <exception cref="ArgumentException">A label is not −1 or +1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxEpochs or the learning rate is not positive.</exception>
    /// <exception cref="Training.DivergenceException">A criterion or the weights became NaN or ±∞ (non-finite inputs); the message names the epoch and step.</exception>
    public PerceptronFitResult Fit(Tensor x, Tensor y, int maxEpochs, double learningRate = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Guard.Positive("Perceptron.Fit", nameof(maxEpochs), maxEpochs);
        Guard.Positive("Perceptron.Fit", nameof(learningRate), learningRate);
        Guard.Rank("Perceptron.Fit", "x", x, 2);
        if (x.Shape[1] != FeatureCount)
            throw ShapeErrors.WrongShape("Perceptron.Fit", "x", x.ShapeArray, $"{FeatureCount} features (without the dummy feature)", ShapeErrors.At(1, x.Shape[1], FeatureCount), $"[N, {FeatureCount}]");
        if (y.Rank != 1 || y.Shape[0] != x.Shape[0])
            throw ShapeErrors.WrongShape("Perceptron.Fit", "y", y.ShapeArray, $"x {Shapes.Format(x.Shape)} (one label per row)",
                y.Rank != 1 ? ShapeErrors.Ranks(y.Rank, 1) : ShapeErrors.At(0, y.Shape[0], x.Shape[0]), $"[{x.Shape[0]}]");
        Tensor xs, ys;
        using (Tape.NoGrad())
        {
            xs = x.Detach().To(Weight.DType);
            ys = y.Detach().To(Weight.DType);
        }
        // Validate all labels before the first update, so bad data leaves w untouched.
        LossGuards.PlusMinusOne("Perceptron.Fit", ys);

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
                double yi = ys[i], predicted = score.Item() > 0 ? 1 : -1;
                if (predicted != yi) count++;
                Weight.ZeroGrad();
                var loss = Loss.PerceptronCriterion(score, ys.Select(0, i));
                guard.CheckLoss(loss.Item());
                loss.Backward();
                using (Tape.NoGrad()) Weight.CopyFrom(Weight - Weight.Grad! * learningRate);
                guard.CheckParameters();
            }
            mistakes.Add(count);
            if (count == 0) return new PerceptronFitResult(true, epoch + 1, mistakes);
        }
        return new PerceptronFitResult(false, maxEpochs, mistakes);
    }
}
