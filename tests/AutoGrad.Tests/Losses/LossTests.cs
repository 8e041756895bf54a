using AutoGrad.Losses;

namespace AutoGrad.Tests.Losses;

/// <summary>Hand values, the notes' derivatives, stability and argument errors of every loss.</summary>
public class LossTests
{
    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    private static Tensor M(double[,] v) => Tensor.FromArray(v);

    private static void Near(double[] expected, Tensor actual, double tol = 1e-9)
    {
        var a = actual.ToDoubleArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= tol, $"element {i}: expected {expected[i]}, got {a[i]}");
    }

    // ---- squared error ----

    [Fact]
    public void SquaredErrorReductions()
    {
        var o = V(1, 2, 4);
        var y = V(0, 2, 1);
        Assert.Equal((1 + 0 + 9) / 3.0, Loss.SquaredError(o, y).Item(), 12);
        Assert.Equal(10, Loss.SquaredError(o, y, Reduction.Sum).Item(), 12);
        Near([1, 0, 9], Loss.SquaredError(o, y, Reduction.None));
        Assert.Equal(5, Loss.HalfSquaredError(o, y).Item(), 12);
        Assert.Equal(5 / 3.0, Loss.HalfSquaredError(o, y, Reduction.Mean).Item(), 12);
        Near([0.5, 0, 4.5], Loss.HalfSquaredError(o, y, Reduction.None));
    }

    [Fact]
    public void SquaredErrorGradientsAreTheNotesFactors()
    {
        // Σ(y − o)² → −2(y − o) (note 000 L302); ½Σ(y − o)² → −(y − o) (L403); mean → 2(o − y)/n.
        var y = V(0, 2, 1);
        var o = V(1, 2, 4).RequireGrad();
        Loss.SquaredError(o, y, Reduction.Sum).Backward();
        Near([2, 0, 6], o.Grad!);
        o.ZeroGrad();
        Loss.HalfSquaredError(o, y).Backward();
        Near([1, 0, 3], o.Grad!);
        o.ZeroGrad();
        Loss.SquaredError(o, y).Backward();
        Near([2 / 3.0, 0, 2.0], o.Grad!, 1e-6);
    }

    [Fact]
    public void LinearRegressionGradientMatchesNote000()
    {
        // E(w) = Σᵢ(yᵢ − ⟨w, xᵢ⟩)², dE/dw_j = −2Σᵢ(yᵢ − oᵢ)x_ij (note 000 L312).
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { -1, 0.5 }, { 3, 1 } });
        var y = Tensor.FromArray(new[] { 1.0, -2, 0.5 });
        var w = Tensor.FromArray(new[] { 0.3, -0.7 }).RequireGrad();
        var o = Tensor.Matmul(x, w);
        Loss.SquaredError(o, y, Reduction.Sum).Backward();
        var ov = o.ToDoubleArray();
        var xv = x.ToDoubleArray();
        var yv = y.ToDoubleArray();
        for (int j = 0; j < 2; j++)
        {
            double expected = 0;
            for (int i = 0; i < 3; i++) expected += -2 * (yv[i] - ov[i]) * xv[i * 2 + j];
            Assert.Equal(expected, w.Grad![j], 12);
        }
    }

    // ---- binary cross-entropy ----

    [Fact]
    public void BinaryCrossEntropyHandValues()
    {
        var p = V(0.9, 0.2, 0.5);
        var y = V(1, 0, 1);
        double[] terms = [-Math.Log(0.9), -Math.Log(0.8), -Math.Log(0.5)];
        Near(terms, Loss.BinaryCrossEntropy(p, y, Reduction.None), 1e-12);
        Assert.Equal(terms.Average(), Loss.BinaryCrossEntropy(p, y).Item(), 12);
        Assert.Equal(terms.Sum(), Loss.BinaryCrossEntropy(p, y, Reduction.Sum).Item(), 12);
        // Soft label: −[0.3 log 0.6 + 0.7 log 0.4].
        Assert.Equal(-(0.3 * Math.Log(0.6) + 0.7 * Math.Log(0.4)), Loss.BinaryCrossEntropy(V(0.6), V(0.3)).Item(), 12);
    }

    [Fact]
    public void BinaryCrossEntropyIsClampedAtZeroAndOne()
    {
        var p = V(0, 1, 1).RequireGrad();
        var loss = Loss.BinaryCrossEntropy(p, V(1, 0, 1), Reduction.None);
        Near([-Math.Log(1e-7), -Math.Log(1e-7), -Math.Log(1 - 1e-7)], loss, 1e-6);
        loss.Sum().Backward();
        Near([0, 0, 0], p.Grad!);
        Assert.Equal(-Math.Log(1e-3), Loss.BinaryCrossEntropy(V(0), V(1), epsilon: 1e-3).Item(), 9);
    }

    [Fact]
    public void BinaryCrossEntropyGradientThroughSigmoidIsOMinusT()
    {
        // dE/dz = o − t (note 003 L757), whichever form of the loss.
        var z = V(-3, 0.2, 2.5);
        var t = V(0, 1, 1);
        var z1 = z.Clone().RequireGrad();
        Loss.BinaryCrossEntropy(z1.Sigmoid(), t, Reduction.Sum).Backward();
        var z2 = z.Clone().RequireGrad();
        Loss.BinaryCrossEntropyWithLogits(z2, t, Reduction.Sum).Backward();
        var o = z.Sigmoid().ToDoubleArray();
        double[] expected = [o[0] - 0, o[1] - 1, o[2] - 1];
        Near(expected, z1.Grad!, 1e-9);
        Near(expected, z2.Grad!, 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsIsStableForHugeLogits()
    {
        var z = V(1000, -1000, 1000, -1000).RequireGrad();
        var loss = Loss.BinaryCrossEntropyWithLogits(z, V(1, 0, 0, 1), Reduction.None);
        Near([0, 0, 1000, 1000], loss, 1e-9);
        loss.Sum().Backward();
        Near([0, 0, 1, -1], z.Grad!, 1e-12);
    }

    [Fact]
    public void CrossEntropyGradientDoesNotVanishWhenConfidentlyWrong()
    {
        // Note 001 L403: unlike σ + MSE, whose gradient σ'(z) → 0 saturates (L336-352).
        var z = V(-12).RequireGrad();
        Loss.BinaryCrossEntropyWithLogits(z, V(1), Reduction.Sum).Backward();
        Assert.True(z.Grad![0] < -0.99);
        var z2 = V(-12).RequireGrad();
        Loss.HalfSquaredError(z2.Sigmoid(), V(1)).Backward();
        Assert.True(Math.Abs(z2.Grad![0]) < 1e-5);
    }

    // ---- softmax cross-entropy and NLL ----

    [Fact]
    public void SoftmaxCrossEntropyHandValue()
    {
        var z = M(new double[,] { { 1, 2, 3 }, { 0, 0, 0 } });
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        double[] terms = [lse - 1, Math.Log(3)];
        Near(terms, Loss.SoftmaxCrossEntropy(z, [0, 2], Reduction.None), 1e-12);
        Assert.Equal(terms.Average(), Loss.SoftmaxCrossEntropy(z, [0, 2]).Item(), 12);
        Assert.Equal(terms.Sum(), Loss.SoftmaxCrossEntropy(z, [0, 2], Reduction.Sum).Item(), 12);
        // One-hot targets give the same value; NLL of log-softmax too.
        Assert.Equal(terms.Average(), Loss.SoftmaxCrossEntropy(z, Tensor.OneHot([0, 2], 3, DType.Float64)).Item(), 12);
        Assert.Equal(terms.Average(), Loss.NegativeLogLikelihood(z.LogSoftmax(1), [0, 2]).Item(), 12);
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.Mean)]
    public void SoftmaxCrossEntropyGradientIsSoftmaxMinusOneHot(Reduction reduction)
    {
        // dC/dz_j = a_j − y_j (note 001 L492, note 002 L728, note 003 L1079), divided by N for the mean.
        var z = M(new double[,] { { 0.5, -1, 2, 0 }, { 3, 1, -2, 0.1 }, { 0, 0, 0, 0 } });
        int[] labels = [2, 0, 3];
        var zg = z.Clone().RequireGrad();
        Loss.SoftmaxCrossEntropy(zg, labels, reduction).Backward();
        var a = z.Softmax(1).ToDoubleArray();
        var y = Tensor.OneHot(labels, 4, DType.Float64).ToDoubleArray();
        double n = reduction == Reduction.Mean ? 3 : 1;
        Near(a.Zip(y, (ai, yi) => (ai - yi) / n).ToArray(), zg.Grad!, 1e-12);

        var zt = z.Clone().RequireGrad();
        Loss.SoftmaxCrossEntropy(zt, Tensor.OneHot(labels, 4, DType.Float64), reduction).Backward();
        Near(zg.Grad!.ToDoubleArray(), zt.Grad!, 1e-12);
    }

    [Fact]
    public void Note003L771FormulaIsWrongAndTheTapeKnows()
    {
        // The note's (o_k − t_k)·o_k(1 − o_k) disagrees with the tape (and with finite differences).
        var z = M(new double[,] { { 0.5, -1, 2 } });
        var zg = z.Clone().RequireGrad();
        Loss.SoftmaxCrossEntropy(zg, [1], Reduction.Sum).Backward();
        var o = z.Softmax(1).ToDoubleArray();
        double wrong = (o[1] - 1) * o[1] * (1 - o[1]);
        Assert.True(Math.Abs(wrong - zg.Grad![0, 1]) > 0.1);
        Assert.Equal(o[1] - 1, zg.Grad![0, 1], 12);
    }

    [Fact]
    public void SoftmaxCrossEntropyIsStableForHugeLogits()
    {
        var z = M(new double[,] { { 1000, 0, -1000 } }).To(DType.Float32).RequireGrad();
        var loss = Loss.SoftmaxCrossEntropy(z, [1]);
        Assert.Equal(1000, loss.Item(), 3);
        loss.Backward();
        Near([1, -1, 0], z.Grad!, 1e-6);
    }

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.3)]
    [InlineData(1.7)]
    public void TwoNodeSoftmaxWithTiedEvidenceIsTheSigmoid(double z)
    {
        // Note 001 L417-422 and L498-507: σ(2z) + σ(−2z) = 1, softmax([z, −z])₀ = σ(2z), and the
        // binary cross-entropy of σ(2z) is the log-likelihood cost of softmax([z, −z]).
        var s = V(2 * z, -2 * z).Sigmoid().ToDoubleArray();
        Assert.Equal(1, s[0] + s[1], 12);
        var logits = M(new[,] { { z, -z } });
        Assert.Equal(s[0], logits.Softmax(1)[0, 0], 12);
        for (int y = 0; y <= 1; y++)
        {
            double bce = Loss.BinaryCrossEntropyWithLogits(V(2 * z), V(y)).Item();
            double ce = Loss.SoftmaxCrossEntropy(logits, [1 - y]).Item();
            Assert.Equal(bce, ce, 12);
        }
    }

    // ---- perceptron criterion and hinge ----

    [Fact]
    public void PerceptronCriterionValuesAndBoundaryGradient()
    {
        var s = V(2, -1, 0, 0, 0.5, -3).RequireGrad();
        var y = V(1, 1, 1, -1, -1, -1);
        var loss = Loss.PerceptronCriterion(s, y, Reduction.None);
        Near([0, 1, 0, 0, 0.5, 0], loss);
        loss.Sum().Backward();
        // −y on a mistake (sgn(0) = −1 makes s = 0 a mistake for y = +1 only), else 0.
        Near([0, -1, -1, 0, 1, 0], s.Grad!);
        Assert.Equal(1.5, Loss.PerceptronCriterion(s, y).Item(), 12);
        Assert.Equal(0.25, Loss.PerceptronCriterion(s, y, Reduction.Mean).Item(), 12);
    }

    [Fact]
    public void HingeValuesAndGradient()
    {
        var s = V(2, 0.5, -1, 1).RequireGrad();
        var y = V(1, 1, 1, -1);
        var loss = Loss.Hinge(s, y, Reduction.None);
        Near([0, 0.5, 2, 2], loss);
        loss.Sum().Backward();
        Near([0, -1, -1, 1], s.Grad!);
        Assert.Equal(1.125, Loss.Hinge(s, y).Item(), 12);
        Near([0, 0, 1, 1], Loss.Hinge(s, y, Reduction.None, margin: 0));
    }

    // ---- Gaussian NLL ----

    [Fact]
    public void GaussianNegativeLogLikelihoodWithUnitSigmaIsHalfSquaredErrorPlusConstant()
    {
        var y = V(1, -2, 0.5);
        var mu = V(0.5, 0, 0);
        double c = 0.5 * Math.Log(2 * Math.PI);
        var nll = Loss.GaussianNegativeLogLikelihood(y, mu, Tensor.Scalar(0, DType.Float64), Reduction.Sum).Item();
        Assert.Equal(Loss.HalfSquaredError(mu, y).Item() + 3 * c, nll, 12);
    }

    // ---- reduce ----

    [Fact]
    public void ReduceFinishesACustomLoss()
    {
        var terms = V(1, 2, 3, 6);
        Assert.Equal(3, Loss.Reduce(terms, Reduction.Mean).Item(), 12);
        Assert.Equal(12, Loss.Reduce(terms, Reduction.Sum).Item(), 12);
        Assert.Same(terms, Loss.Reduce(terms, Reduction.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Reduce(terms, (Reduction)7));
    }

    // ---- errors ----

    [Fact]
    public void ShapeMismatchesNameTheLossAndBothShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Loss.SquaredError(Tensor.Zeros(4, 1), Tensor.Zeros(4)));
        Assert.Contains("Loss.SquaredError", e.Message);
        Assert.Contains("[4, 1]", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Throws<ShapeException>(() => Loss.HalfSquaredError(Tensor.Zeros(3), Tensor.Zeros(2)));
        Assert.Throws<ShapeException>(() => Loss.BinaryCrossEntropy(Tensor.Zeros(3), Tensor.Zeros(3, 1)));
        Assert.Throws<ShapeException>(() => Loss.BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.Zeros(1)));
        Assert.Throws<ShapeException>(() => Loss.Hinge(Tensor.Zeros(2), Tensor.Ones(3)));
        Assert.Throws<ShapeException>(() => Loss.PerceptronCriterion(Tensor.Zeros(2), Tensor.Ones(3)));
        Assert.Throws<ShapeException>(() => Loss.SoftmaxCrossEntropy(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)));
        var g = Assert.Throws<ShapeException>(() => Loss.GaussianNegativeLogLikelihood(Tensor.Zeros(3), Tensor.Zeros(2), Tensor.Zeros(1)));
        Assert.Contains("do not broadcast", g.Message);
    }

    [Fact]
    public void LabelCountMustMatchTheBatch()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.SoftmaxCrossEntropy(Tensor.Zeros(4, 3), [0, 1, 2]));
        Assert.Contains("3 labels for a batch of 4 rows", e.Message);
        Assert.Contains("[4, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => Loss.NegativeLogLikelihood(Tensor.Zeros(2, 3), [0, 1, 2]));
    }

    [Fact]
    public void LabelsMustBeClassIndices()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SoftmaxCrossEntropy(Tensor.Zeros(2, 3), [0, 3]));
        Assert.Contains("label 3 at position 1 is outside [0, 3)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.NegativeLogLikelihood(Tensor.Zeros(2, 3), [-1, 0]));
    }

    [Fact]
    public void ClassificationLossesNeedAMatrix()
    {
        var e = Assert.Throws<ShapeException>(() => Loss.SoftmaxCrossEntropy(Tensor.Zeros(3), [0]));
        Assert.Contains("[batch, classes]", e.Message);
        Assert.Throws<ShapeException>(() => Loss.NegativeLogLikelihood(Tensor.Zeros(2, 3, 4), [0, 1]));
    }

    [Fact]
    public void PlusMinusOneTargetsAreChecked()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.PerceptronCriterion(Tensor.Zeros(3), V(1, 0, -1).To(DType.Float32)));
        Assert.Contains("must be -1 or +1, got 0 at flat position 1", e.Message);
        Assert.Throws<ArgumentException>(() => Loss.Hinge(Tensor.Zeros(2), Tensor.Zeros(2)));
    }

    [Fact]
    public void ProbabilitiesAndTargetsMustBeInTheUnitInterval()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy(V(0.5, 1.5), V(0, 1)));
        Assert.Contains("probabilities must be in [0, 1], got 1.5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy(V(0.5), V(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropyWithLogits(V(0.5), V(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy(V(0.5), V(1), epsilon: 0));
    }

    [Fact]
    public void DTypeMismatchIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.SquaredError(Tensor.Zeros(3), Tensor.Zeros(DType.Float64, 3)));
        Assert.Contains("dtype mismatch", e.Message);
    }

    [Fact]
    public void LossesRecordTheCallersLine()
    {
        var z = M(new double[,] { { 1, 2 } }).RequireGrad();
        var loss = Loss.SoftmaxCrossEntropy(z, [1]);
        Assert.EndsWith("LossTests.cs", loss.GradFn!.Site.File);
        Assert.Equal("softmax_cross_entropy", loss.GradFn.Site.Scope);
    }
}
