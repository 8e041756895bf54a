using AutoGrad.Autograd;
using AutoGrad.Checking;
using AutoGrad.Losses;
using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>
/// The backpropagation equations as each note writes them, evaluated by hand with plain arrays,
/// against the tape's gradients of the same network (and the tape against finite differences).
/// Linear holds W [in, out], so W[i, j] is the weight from unit i to unit j.
/// </summary>
public class BackpropEquationsTests
{
    private const double Tol = 1e-12;

    private static double Sigma(double z) => 1 / (1 + Math.Exp(-z));

    private static double[] Row(Tensor t, int i) => Enumerable.Range(0, t.Shape[1]).Select(j => t[i, j]).ToArray();

    /// <summary>a_j = f(Σ_i a_i W[i, j] + b_j) for one example.</summary>
    private static double[] Layer(double[] a, Linear l, Func<double, double> f)
    {
        var z = new double[l.OutFeatures];
        for (int j = 0; j < z.Length; j++)
        {
            z[j] = l.Bias is null ? 0 : l.Bias[j];
            for (int i = 0; i < a.Length; i++) z[j] += a[i] * l.Weight[i, j];
            z[j] = f(z[j]);
        }
        return z;
    }

    [Fact]
    public void Note000TwoLayerSigmoidNetwork()
    {
        // o = σ(Σ_j w_j⁽²⁾ h_j), h_j = σ(Σ_i w_ji⁽¹⁾ x_i), E = ½(y − o)², the dummy feature x₀ = 1 as bias.
        // dE/dw_j⁽²⁾ = δ·h_j and dE/dw_ji⁽¹⁾ = δ·w_j⁽²⁾·h_j(1 − h_j)·x_i with δ = −(y − o)o(1 − o) (L538, L615).
        var gen = new Generator(1);
        var l1 = new Linear(3, 4, gen, bias: false, dtype: DType.Float64);
        var l2 = new Linear(4, 1, gen, bias: false, dtype: DType.Float64);
        var net = new Sequential(l1, new Sigmoid(), l2, new Sigmoid());
        var x = Perceptron.AddDummyFeature(Tensor.FromArray(new[] { 0.7, -1.3 }));
        double y = 0.25;
        Loss.HalfSquaredError(net.Forward(x), Tensor.FromArray(new[] { y })).Backward();

        var xv = x.ToDoubleArray();
        var h = Layer(xv, l1, Sigma);
        double o = Layer(h, l2, Sigma)[0];
        double delta = -(y - o) * o * (1 - o);
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(delta * h[j], l2.Weight.Grad![j, 0], Tol);
            for (int i = 0; i < 3; i++)
                Assert.Equal(delta * l2.Weight[j, 0] * h[j] * (1 - h[j]) * xv[i], l1.Weight.Grad![i, j], Tol);
        }
    }

    [Fact]
    public void Note001LayerwiseDeltasWithMeanSquaredErrorOverOutputsAndMinibatch()
    {
        // C = (1/n_L) Σ_j (y_j − a_Lj)², averaged over the M examples (L108, L186):
        // δ_Lj = −2(y_j − a_Lj)·a_Lj(1 − a_Lj)/n_L; δ_{l−1,i} = a_{l−1,i}(1 − a_{l−1,i})·Σ_j w_lij δ_lj;
        // dC/dw_lij = (1/M) Σ_m a_{l−1,i}(m)·δ_lj(m) (L170-179).
        var gen = new Generator(2);
        Linear[] layers = [new(3, 4, gen, dtype: DType.Float64), new(4, 3, gen, dtype: DType.Float64), new(3, 2, gen, dtype: DType.Float64)];
        var net = new Sequential(layers[0], new Sigmoid(), layers[1], new Sigmoid(), layers[2], new Sigmoid());
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 5, 3);
        var y = Tensor.Uniform(gen, 0, 1, DType.Float64, 5, 2);
        Loss.SquaredError(net.Forward(x), y).Backward();

        int M = 5, L = layers.Length;
        var wGrad = layers.Select(l => new double[l.InFeatures, l.OutFeatures]).ToArray();
        var bGrad = layers.Select(l => new double[l.OutFeatures]).ToArray();
        for (int m = 0; m < M; m++)
        {
            var a = new double[L + 1][];
            a[0] = Row(x, m);
            for (int l = 0; l < L; l++) a[l + 1] = Layer(a[l], layers[l], Sigma);
            var yv = Row(y, m);
            int nL = yv.Length;
            var delta = a[L].Select((aj, j) => -2 * (yv[j] - aj) * aj * (1 - aj) / nL).ToArray();
            for (int l = L - 1; l >= 0; l--)
            {
                for (int i = 0; i < layers[l].InFeatures; i++)
                    for (int j = 0; j < layers[l].OutFeatures; j++) wGrad[l][i, j] += a[l][i] * delta[j] / M;
                for (int j = 0; j < delta.Length; j++) bGrad[l][j] += delta[j] / M;
                if (l == 0) break;
                var prev = new double[layers[l].InFeatures];
                for (int i = 0; i < prev.Length; i++)
                {
                    double s = 0;
                    for (int j = 0; j < delta.Length; j++) s += layers[l].Weight[i, j] * delta[j];
                    prev[i] = a[l][i] * (1 - a[l][i]) * s;
                }
                delta = prev;
            }
        }
        for (int l = 0; l < L; l++)
        {
            for (int i = 0; i < layers[l].InFeatures; i++)
                for (int j = 0; j < layers[l].OutFeatures; j++) Assert.Equal(wGrad[l][i, j], layers[l].Weight.Grad![i, j], Tol);
            for (int j = 0; j < layers[l].OutFeatures; j++) Assert.Equal(bGrad[l][j], layers[l].Bias!.Grad![j], Tol);
        }
    }

    [Fact]
    public void Note002MatrixBackwardPassWithSoftmaxOutput()
    {
        // Z_l = A_{l−1} W_l + b_l, A_l = tanh(Z_l), Ŷ = softmax(Z_L), L = −1ᵀ(Y ⊙ log Ŷ)1 (summed):
        // Z_L^(g) = Ŷ − Y; W_l^(g) = A_{l−1}ᵀ Z_l^(g); b_l^(g) = Z_l^(g)ᵀ 1_n; A_{l−1}^(g) = Z_l^(g) W_lᵀ;
        // Z_{l−1}^(g) = A_{l−1}^(g) ⊙ g'(Z_{l−1}) (L734-782).
        var gen = new Generator(3);
        Linear[] layers = [new(4, 5, gen, dtype: DType.Float64), new(5, 3, gen, dtype: DType.Float64), new(3, 3, gen, dtype: DType.Float64)];
        var net = new Sequential(layers[0], new Tanh(), layers[1], new Tanh(), layers[2]);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 6, 4);
        int[] labels = [0, 2, 1, 1, 0, 2];
        var Y = Tensor.OneHot(labels, 3, DType.Float64);
        Loss.SoftmaxCrossEntropy(net.Forward(x), labels, Reduction.Sum).Backward();

        using var _ = Tape.NoGrad();
        var A = new Tensor[layers.Length + 1];
        A[0] = x;
        for (int l = 0; l < layers.Length; l++)
        {
            var z = Tensor.Matmul(A[l], layers[l].Weight) + layers[l].Bias!;
            A[l + 1] = l == layers.Length - 1 ? z.Softmax(1) : z.Tanh();
        }
        var Zg = A[^1] - Y;
        for (int l = layers.Length - 1; l >= 0; l--)
        {
            LinearTests.AssertClose(Tensor.Matmul(A[l].T, Zg), layers[l].Weight.Grad!);
            LinearTests.AssertClose(Tensor.Matmul(Zg.T, Tensor.Ones(DType.Float64, 6)), layers[l].Bias!.Grad!);
            var Ag = Tensor.Matmul(Zg, layers[l].Weight.T);
            Zg = Ag * (1.0 - A[l] * A[l]); // tanh' = 1 − A²
        }
    }

    [Fact]
    public void Note003DeltasForSigmoidOutputsAndHiddenUnits()
    {
        // E = Σ_n ½Σ_k (o_k − t_k)², o_k = σ(z_k), z_k = Σ_j w_kj h_j + w_k0, h_j = σ(u_j), u_j = Σ_i v_ji x_i + v_j0:
        // δ^z_k = (o_k − t_k)·o_k(1 − o_k); dE/dw_kj = Σ_n δ^z_k h_j; δ^h_j = Σ_k δ^z_k w_kj;
        // δ^u_j = δ^h_j·h_j(1 − h_j); dE/dv_ji = Σ_n δ^u_j x_i (L484-730). Here v_ji = W₁[i, j], w_kj = W₂[j, k].
        var gen = new Generator(4);
        var l1 = new Linear(3, 4, gen, dtype: DType.Float64);
        var l2 = new Linear(4, 2, gen, dtype: DType.Float64);
        var net = new Sequential(l1, new Sigmoid(), l2, new Sigmoid());
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 3);
        var t = Tensor.Uniform(gen, 0, 1, DType.Float64, 4, 2);
        Loss.HalfSquaredError(net.Forward(x), t).Backward();

        var dW = new double[4, 2];
        var dV = new double[3, 4];
        for (int n = 0; n < 4; n++)
        {
            var xn = Row(x, n);
            var h = Layer(xn, l1, Sigma);
            var o = Layer(h, l2, Sigma);
            var tn = Row(t, n);
            var dz = o.Select((ok, k) => (ok - tn[k]) * ok * (1 - ok)).ToArray();
            for (int j = 0; j < 4; j++)
            {
                double dh = 0;
                for (int k = 0; k < 2; k++)
                {
                    dW[j, k] += dz[k] * h[j];
                    dh += dz[k] * l2.Weight[j, k];
                }
                double du = dh * h[j] * (1 - h[j]);
                for (int i = 0; i < 3; i++) dV[i, j] += du * xn[i];
            }
        }
        for (int j = 0; j < 4; j++)
        {
            for (int k = 0; k < 2; k++) Assert.Equal(dW[j, k], l2.Weight.Grad![j, k], Tol);
            for (int i = 0; i < 3; i++) Assert.Equal(dV[i, j], l1.Weight.Grad![i, j], Tol);
        }
    }

    [Fact]
    public void Note003DeepReluSoftmaxLastLayer()
    {
        // Empirical risk (1/N)Σ l, l = −Σ_k t_k log p_k: dl/dy = p − t, so the last layer's weight
        // gradient is (1/N)·H²ᵀ(P − T) in the [in, out] layout (L1079-1092, convention fixed).
        var gen = new Generator(5);
        var net = Mlp.Create([3, 5, 4, 3], Activation.ReLU, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 7, 3);
        int[] labels = [0, 1, 2, 2, 1, 0, 1];
        Loss.SoftmaxCrossEntropy(net.Forward(x), labels).Backward();
        using var _ = Tape.NoGrad();
        var h2 = new Sequential(net[0], net[1], net[2], net[3]).Forward(x);
        var p = net.Forward(x).Softmax(1);
        var last = (Linear)net[4];
        LinearTests.AssertClose(Tensor.Matmul(h2.T, p - Tensor.OneHot(labels, 3, DType.Float64)) / 7.0, last.Weight.Grad!);
    }

    [Fact]
    public void TheTapeAgreesWithFiniteDifferencesOnTheseNetworks()
    {
        var gen = new Generator(6);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 3);
        var w1 = Tensor.Normal(gen, 0, 0.7, DType.Float64, 3, 4).RequireGrad();
        var b1 = Tensor.Normal(gen, 0, 0.7, DType.Float64, 4).RequireGrad();
        var w2 = Tensor.Normal(gen, 0, 0.7, DType.Float64, 4, 2).RequireGrad();
        int[] labels = [1, 0, 1, 1];
        GradCheck.Assert(p =>
        {
            var net = new Sequential(Linear.FromWeights(p[0], p[1]), new Sigmoid(), Linear.FromWeights(p[2]));
            return Loss.SoftmaxCrossEntropy(net.Forward(x), labels);
        }, [w1, b1, w2]);
    }
}
