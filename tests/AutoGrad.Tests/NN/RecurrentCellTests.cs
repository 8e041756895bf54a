using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

/// <summary>The cells' equations written out elementwise (PyTorch's documented formulas), the zero-state forms, and the errors.</summary>
public class RecurrentCellTests
{
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double[] Affine(double[] w, double[] x, double[]? b, int rows, int cols, double[] inputs)
    {
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            y[r] = b?[r] ?? 0;
            for (int c = 0; c < cols; c++) y[r] += w[r * cols + c] * inputs[c];
        }
        return y;
    }

    [Fact]
    public void LstmAndGruFollowTheirEquationsGateByGate()
    {
        var g = new Generator(4);
        var lstm = new LstmCell(3, 2, g, dtype: DType.Float64);
        var gru = new GruCell(3, 2, g, dtype: DType.Float64);
        double[] x = [0.3, -0.7, 1.1], h = [0.2, -0.4], c = [0.5, 0.1];
        var xt = Tensor.From(DType.Float64, x, 1, 3);
        var ht = Tensor.From(DType.Float64, h, 1, 2);

        var a = Affine(lstm.WeightIh.ToDoubleArray(), x, lstm.BiasIh!.ToDoubleArray(), 8, 3, x)
            .Zip(Affine(lstm.WeightHh.ToDoubleArray(), h, lstm.BiasHh!.ToDoubleArray(), 8, 2, h), (p, q) => p + q).ToArray();
        var (hl, cl) = lstm.Forward(xt, (ht, Tensor.From(DType.Float64, c, 1, 2)));
        for (int u = 0; u < 2; u++)
        {
            double i = Sigmoid(a[u]), f = Sigmoid(a[2 + u]), gg = Math.Tanh(a[4 + u]), o = Sigmoid(a[6 + u]);
            double cn = f * c[u] + i * gg;
            Assert.Equal(cn, cl.ToDoubleArray()[u], 12);
            Assert.Equal(o * Math.Tanh(cn), hl.ToDoubleArray()[u], 12);
        }

        var xi = Affine(gru.WeightIh.ToDoubleArray(), x, gru.BiasIh!.ToDoubleArray(), 6, 3, x);
        var hh = Affine(gru.WeightHh.ToDoubleArray(), h, gru.BiasHh!.ToDoubleArray(), 6, 2, h);
        var hg = gru.Forward(xt, ht).ToDoubleArray();
        for (int u = 0; u < 2; u++)
        {
            double r = Sigmoid(xi[u] + hh[u]), z = Sigmoid(xi[2 + u] + hh[2 + u]), n = Math.Tanh(xi[4 + u] + r * hh[4 + u]);
            Assert.Equal((1 - z) * n + z * h[u], hg[u], 12);
        }
    }

    [Fact]
    public void TheOneArgumentFormStartsFromZero()
    {
        var g = new Generator(5);
        var x = Tensor.Normal(g, 0, 1, DType.Float32, 4, 3);
        var zero = Tensor.Zeros(4, 2);
        var rnn = new RnnCell(3, 2, g, RnnNonlinearity.ReLU);
        Assert.Equal(rnn.Forward(x, zero).ToFloatArray(), rnn.Forward(x).ToFloatArray());
        Assert.All(rnn.Forward(x).ToFloatArray(), v => Assert.True(v >= 0));
        var lstm = new LstmCell(3, 2, g);
        Assert.Equal(lstm.Forward(x, (zero, zero)).H.ToFloatArray(), lstm.Forward(x).ToFloatArray());
        var gru = new GruCell(3, 2, g, bias: false);
        Assert.Equal(gru.Forward(x, zero).ToFloatArray(), gru.Forward(x).ToFloatArray());
        Assert.Equal(["weight_ih", "weight_hh"], gru.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void BadInputsAndWeightsAreRefused()
    {
        var cell = new LstmCell(3, 2, new Generator(1));
        Assert.StartsWith("LstmCell: the input has shape [4, 5], which does not fit a cell with 3 inputs (weight_ih [8, 3])",
            Assert.Throws<ShapeException>(() => cell.Forward(Tensor.Zeros(4, 5))).Message);
        Assert.Equal("LstmCell: the cell state c has shape [4, 3], which does not fit a batch of 4 and 2 hidden units at dimension 1: 3 vs 2; the cell state c must have shape [4, 2]",
            Assert.Throws<ShapeException>(() => cell.Forward(Tensor.Zeros(4, 3), (Tensor.Zeros(4, 2), Tensor.Zeros(4, 3)))).Message);
        Assert.StartsWith("GruCell: the hidden state h has shape [2]",
            Assert.Throws<ShapeException>(() => new GruCell(3, 2, new Generator(1)).Forward(Tensor.Zeros(4, 3), Tensor.Zeros(2))).Message);
        Assert.StartsWith("RnnCell: weight_ih has shape [3, 4], which does not fit weight_hh [2, 2]",
            Assert.Throws<ShapeException>(() => RnnCell.FromWeights(Tensor.Zeros(3, 4), Tensor.Zeros(2, 2))).Message);
        Assert.StartsWith("GruCell: bias_ih and bias_hh must be given together",
            Assert.Throws<ArgumentException>(() => GruCell.FromWeights(Tensor.Zeros(6, 4), Tensor.Zeros(6, 2), Tensor.Zeros(6))).Message);
    }
}
