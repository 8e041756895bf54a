using AutoGrad.Losses;
using AutoGrad.NN;
using static AutoGrad.Tests.Support.Domain;
using static AutoGrad.Tests.Support.ShapeRules;

namespace AutoGrad.Tests.Support;

// Rows for the neural-network toolkit: every loss, log-likelihood and penalty, and the layers
// built from the drawn inputs, so the property test gradchecks them like the primitives.
public static partial class OpTable
{
    /// <summary>Logits-like [N, C] inputs: two dimension sizes.</summary>
    private static readonly (int, int) Matrix = (2, 2);

    /// <summary>A constant of the given shape (rank 0 included) and the dtype of the case.</summary>
    private static Tensor Const(double[] data, int[] shape, DType dtype) =>
        Tensor.From(dtype, data, shape.Length == 0 ? [1] : shape).Reshape(shape);

    private static Reduction AnyReduction(CaseInfo c) => (Reduction)c.Random.NextInt(3);

    private static int[] Labels(CaseInfo c) => c.Indices(c.Shape[0], () => c.Random.NextInt(c.Shape[1]));

    private static double[] PlusMinusOne(CaseInfo c) =>
        Enumerable.Range(0, Shapes.Numel(c.Shape)).Select(_ => c.Random.NextInt(2) == 0 ? -1.0 : 1.0).ToArray();

    /// <summary>x [N, in] (or [in] when flag bit 0 is set), W [in, out] and, unless bit 1 is set, b [out]; dims (N, in, out).</summary>
    private static Func<int[], int, int[][]> LinearShapes => (dims, flags) =>
    {
        int n = dims[0], i = dims[1], o = dims[2];
        int[] x = (flags & 1) == 1 ? [i] : [n, i];
        return (flags & 2) == 2 ? [x, [i, o]] : [x, [i, o], [o]];
    };

    /// <summary>x [N, in], W₁ [in, h], b₁ [h], W₂ [h, out], b₂ [out]; dims (N, in, h, out).</summary>
    private static Func<int[], int, int[][]> TwoLayerShapes => (dims, _) =>
        [[dims[0], dims[1]], [dims[1], dims[2]], [dims[2]], [dims[2], dims[3]], [dims[3]]];

    private static readonly OpCase[] ToolkitRows =
    [
        // Losses on predictions and targets of the same shape
        new("loss squared_error", (0, 3), Same(2), c => { var r = AnyReduction(c); return xs => Loss.SquaredError(xs[0], xs[1], r); }, [Any]),
        new("loss half_squared_error", (0, 3), Same(2), c => { var r = AnyReduction(c); return xs => Loss.HalfSquaredError(xs[0], xs[1], r); }, [Any]),
        new("loss binary_cross_entropy", (0, 3), Same(2), c => { var r = AnyReduction(c); return xs => Loss.BinaryCrossEntropy(xs[0].Sigmoid(), xs[1].Sigmoid(), r); }, [Any]),
        new("loss binary_cross_entropy_with_logits", (0, 3), Same(2), c => { var r = AnyReduction(c); return xs => Loss.BinaryCrossEntropyWithLogits(xs[0], xs[1].Sigmoid(), r); }, [Any]),
        new("loss perceptron_criterion", (0, 3), Same(1), c =>
        {
            var y = PlusMinusOne(c);
            var shape = c.Shape;
            var r = AnyReduction(c);
            return xs => Loss.PerceptronCriterion(xs[0], Const(y, shape, xs[0].DType), r);
        }, [Any]),
        new("loss hinge", (0, 3), Same(1), c =>
        {
            var y = PlusMinusOne(c);
            var shape = c.Shape;
            var r = AnyReduction(c);
            double margin = c.Random.NextInt(2) == 0 ? 1 : 0.5;
            return xs => Loss.Hinge(xs[0], Const(y, shape, xs[0].DType), r, margin);
        }, [Any]),
        new("loss gaussian_nll", (0, 3), Broadcast(3), c => { var r = AnyReduction(c); return xs => Loss.GaussianNegativeLogLikelihood(xs[0], xs[1], xs[2], r); }, [Any]),

        // Classification losses on [N, C]
        new("loss softmax_cross_entropy labels", Matrix, Same(1), c =>
        {
            var labels = Labels(c);
            var r = AnyReduction(c);
            return xs => Loss.SoftmaxCrossEntropy(xs[0], labels, r);
        }, [Any]),
        new("loss softmax_cross_entropy distributions", Matrix, Same(2), c => { var r = AnyReduction(c); return xs => Loss.SoftmaxCrossEntropy(xs[0], xs[1].Softmax(1), r); }, [Any]),
        new("loss negative_log_likelihood", Matrix, Same(1), c =>
        {
            var labels = Labels(c);
            var r = AnyReduction(c);
            return xs => Loss.NegativeLogLikelihood(xs[0].LogSoftmax(1), labels, r);
        }, [Any]),

        // Log-likelihood building blocks
        new("loglik bernoulli", (0, 3), Same(2), _ => xs => LogLikelihood.Bernoulli(xs[0], xs[1].Sigmoid()), [Any]),
        new("loglik categorical labels", Matrix, Same(1), c => { var labels = Labels(c); return xs => LogLikelihood.Categorical(xs[0], labels); }, [Any]),
        new("loglik categorical distributions", Matrix, Same(2), _ => xs => LogLikelihood.Categorical(xs[0], xs[1]), [Any]),
        new("loglik gaussian", (0, 3), Broadcast(3), _ => xs => LogLikelihood.Gaussian(xs[0], xs[1], xs[2]), [Any]),

        // Penalties
        new("penalty l2", (0, 3), Broadcast(2), _ => xs => Regularization.L2Penalty(xs, 0.7), [Any]),
        new("penalty l1", (0, 3), Broadcast(2), _ => xs => Regularization.L1Penalty(xs, 0.3), [Any]),

        // Layers built on the drawn inputs
        new("nn linear", (3, 3), LinearShapes, _ => xs => Linear.FromWeights(xs[1], xs.Length > 2 ? xs[2] : null).Forward(xs[0]), [Any]),
        new("nn two-layer tanh mlp", (4, 4), TwoLayerShapes, _ => xs =>
            new Sequential(Linear.FromWeights(xs[1], xs[2]), new Tanh(), Linear.FromWeights(xs[3], xs[4])).Forward(xs[0]), [Any]),
        new("nn dropout fixed mask", (1, 3), Same(1), c =>
        {
            var mask = Enumerable.Range(0, Shapes.Numel(c.Shape)).Select(_ => (double)c.Random.NextInt(2)).ToArray();
            var shape = c.Shape;
            var mode = (DropoutMode)c.Random.NextInt(2);
            return xs => new Dropout(0.4, new Generator(0), mode) { FixedMask = Const(mask, shape, xs[0].DType) }.Forward(xs[0]);
        }, [Any]),
        new("nn dropout eval scale-at-test", (0, 3), Same(1), _ => xs => new Dropout(0.3, new Generator(0), DropoutMode.ScaleAtTest).Eval().Forward(xs[0]), [Any]),
        new("nn sign activation", (0, 3), Same(1), _ => xs => new Sign().Forward(xs[0]) * xs[0], [Any]),
    ];
}
