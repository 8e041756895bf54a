using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Tests.Support;
using AutoGrad.Training;

namespace AutoGrad.Tests.Training;

public class EnsembleTests
{
    /// <summary>A linear predictor with given weights: ŷ = x·W.</summary>
    private sealed class FixedLinear : Module
    {
        private readonly Tensor _w;

        public FixedLinear(double[,] w) => _w = RegisterParameter("w", Tensor.FromArray(w));

        public FixedLinear(double[] w) : this(Column(w)) { }

        private static double[,] Column(double[] w)
        {
            var m = new double[w.Length, 1];
            for (int i = 0; i < w.Length; i++) m[i, 0] = w[i];
            return m;
        }

        public override Tensor Forward(Tensor input) => Tensor.Matmul(input, _w);
    }

    /// <summary>
    /// Seed 004: members with errors εᵢ = √c·z₀ + √(v−c)·zᵢ (z standard normal) have E[εᵢ²] = v and
    /// E[εᵢεⱼ] = c, so the averaged prediction's squared error is v/n + (n−1)c/n. Inputs are the
    /// columns [y, z₀, z₁..zₙ]; member i is the linear predictor y + √c·z₀ + √(v−c)·zᵢ.
    /// </summary>
    [Theory]
    [InlineData(4, 1.0, 0.0)]   // uncorrelated: v/n = 0.25
    [InlineData(4, 1.0, 0.5)]   // 0.25 + 0.375 = 0.625
    [InlineData(4, 1.0, 1.0)]   // c = v: no better than one member
    [InlineData(10, 2.0, 0.3)]  // 0.2 + 0.27 = 0.47
    public void EnsembleErrorIsVOverNPlusCovarianceTerm(int n, double v, double c)
    {
        const int samples = 60_000;
        var gen = new Generator(2024);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, samples, n + 2);
        var members = Enumerable.Range(0, n).Select(i =>
        {
            var w = new double[n + 2];
            w[0] = 1;
            w[1] = Math.Sqrt(c);
            w[2 + i] = Math.Sqrt(v - c);
            return new FixedLinear(w);
        }).ToArray();
        var ensemble = new Ensemble(members);
        using (Tape.NoGrad())
        {
            var y = x.Slice(1, 0, 1);
            double ensembleError = Metrics.MeanSquaredError(ensemble.Forward(x), y);
            double memberError = members.Average(m => Metrics.MeanSquaredError(m.Forward(x), y));
            double formula = v / n + (n - 1) * c / n;
            Assert.Equal(formula, ensembleError, 0.02 * v);
            Assert.Equal(v, memberError, 0.02 * v);
        }
    }

    [Fact]
    public void TrainedMembersObeyTheDecompositionWithTheirEmpiricalMoments()
    {
        // Members fitted on bootstrap samples of a noisy linear problem; on test points their errors
        // εᵢ have empirical v̄ = mean E[εᵢ²] and c̄ = mean_{i≠j} E[εᵢεⱼ], and the ensemble's error is
        // exactly v̄/n + (n−1)c̄/n: the identity of seed 004 with the expectations taken over the test set.
        const int n = 6, d = 3;
        var gen = new Generator(11);
        double[] trueW = [1.5, -2.0, 0.5];
        Tensor Targets(Tensor xs) => Tensor.Matmul(xs, Tensor.FromArray(trueW.Select(w => (float)w).ToArray(), d, 1));
        var trainX = Tensor.Randn(gen, 40, d);
        var trainY = Targets(trainX) + Tensor.Randn(gen, 40, 1) * 0.5;
        var testX = Tensor.Randn(gen, 500, d);
        var testY = Targets(testX);

        var members = new List<TinyLinearModel>();
        for (int m = 0; m < n; m++)
        {
            var rows = Enumerable.Range(0, 40).Select(_ => gen.NextInt(40)).ToArray();
            var bx = trainX.IndexSelect(0, rows);
            var by = trainY.IndexSelect(0, rows);
            var model = new TinyLinearModel(d, 1, gen.Fork());
            var opt = new Sgd(model, 0.1);
            for (int step = 0; step < 100; step++)
            {
                opt.ZeroGrad();
                (model.Forward(bx) - by).Square().Mean().Backward();
                opt.Step();
            }
            members.Add(model);
        }

        using var _ = Tape.NoGrad();
        var errors = members.Select(m => (m.Forward(testX) - testY).ToDoubleArray()).ToArray();
        double vBar = errors.Average(e => e.Average(z => z * z));
        double cBar = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) cBar += errors[i].Zip(errors[j]).Average(p => p.First * p.Second);
        cBar /= n * (n - 1);
        double ensembleError = Metrics.MeanSquaredError(new Ensemble(members).Forward(testX), testY);
        Assert.Equal(vBar / n + (n - 1) * cBar / n, ensembleError, 1e-5);
        Assert.True(ensembleError < vBar, $"ensemble {ensembleError} vs mean member {vBar}");
    }

    [Fact]
    public void PredictProbabilitiesAveragesTheMembersSoftmax()
    {
        // Member a's logits are x, member b's are 2x: for x = [2, −1], p_a = [σ(3), 1 − σ(3)], p_b = [σ(6), 1 − σ(6)].
        var e = new Ensemble([new FixedLinear(new double[,] { { 1, 0 }, { 0, 1 } }), new FixedLinear(new double[,] { { 2, 0 }, { 0, 2 } })]);
        var x = Tensor.FromArray(new double[,] { { 2, -1 } });
        static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
        var p = e.PredictProbabilities(x).ToDoubleArray();
        Assert.Equal((Sigmoid(3) + Sigmoid(6)) / 2, p[0], 1e-12);
        Assert.Equal(1 - (Sigmoid(3) + Sigmoid(6)) / 2, p[1], 1e-12);
        Assert.Equal([3.0, -1.5], e.Forward(x).ToDoubleArray());
    }

    [Fact]
    public void MembersAreSubModulesAndEmptyEnsemblesAreRefused()
    {
        var e = new Ensemble([new TinyLinearModel(2, 1, new Generator(1)), new TinyLinearModel(2, 1, new Generator(2))]);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], e.NamedParameters().Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => new Ensemble([]));
    }
}
