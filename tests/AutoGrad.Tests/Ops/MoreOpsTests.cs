namespace AutoGrad.Tests.Ops;

/// <summary>
/// Hand values of the ops added for PyTorch users (issue 16), and the semantics where PyTorch's
/// choice is subtle: ties, boundaries, zeros in a product. The op table gradchecks them over random
/// shapes; this checks the values and the edge cases it never draws.
/// </summary>
public class MoreOpsTests
{
    private static Tensor D(params double[] v) => Tensor.FromArray(v, v.Length);
    private static Tensor Leaf(params double[] v) { var t = D(v); t.RequiresGrad = true; return t; }
    private static void Near(double[] expected, Tensor actual, double tol = 1e-15)
    {
        var a = actual.ToDoubleArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]:R}, got {a[i]:R}");
    }

    [Fact]
    public void ErfMatchesReferenceValuesToFloat64Precision()
    {
        // Reference values (Abramowitz–Stegun / mpmath to 17 digits).
        double[] x = [0, 1e-10, 0.1, 0.5, 1, 1.5, 2, 2.5, 3, 4, 6, -0.5, -3];
        double[] erf = [0, 1.1283791670955126e-10, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9661051464753108,
            0.9953222650189527, 0.9995930479825550, 0.9999779095030014, 0.9999999845827421, 1, -0.5204998778130465, -0.9999779095030014];
        var y = D(x).Erf().ToDoubleArray();
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(y[i] - erf[i]) <= 2e-16 * Math.Max(1e-300, Math.Abs(erf[i])) * 4, $"erf({x[i]}) = {y[i]:R}, expected {erf[i]:R}");
        Assert.True(double.IsNaN(D(double.NaN).Erf().Item()));
        Assert.Equal(1.0, D(double.PositiveInfinity).Erf().Item());
    }

    [Fact]
    public void ErfIsWithinFourUlpsAcrossTheRangeAndAtTheSwitchTo1MinusErfc()
    {
        // Reference: CPython's math.erf (correctly rounded to about an ulp).
        double[] xs = [-5.5, -2.0001, -1.9999, -0.001, 1e-300, 0.01, 0.3, 0.7, 0.9, 1.2, 1.7, 1.99999, 2.0, 2.00001, 2.2, 2.7, 3.3, 3.8, 4.5, 5.0, 5.5, 5.99];
        double[] erf = [-0.9999999999999927, -0.9953243313041966, -0.9953201979070294, -0.0011283787909692365, 1.1283791670955126e-300, 0.011283415555849616, 0.3286267594591274, 0.6778011938374184, 0.7969082124228322, 0.9103139782296353, 0.9837904585907745, 0.9953220583449658, 0.9953222650189527, 0.9953224716846729, 0.9981371537020182, 0.9998656672600594, 0.9999969422902035, 0.9999999229960725, 0.9999999998033839, 0.9999999999984626, 0.9999999999999927, 1.0];
        var y = D(xs).Erf().ToDoubleArray();
        for (int i = 0; i < xs.Length; i++)
            Assert.True(Math.Abs(y[i] - erf[i]) <= 4 * Math.BitIncrement(Math.Abs(erf[i])) - 4 * Math.Abs(erf[i]), $"erf({xs[i]:R}) = {y[i]:R}, expected {erf[i]:R}");
        Assert.Equal((float)0.5204998778130465, Tensor.FromArray(new float[] { 0.5f }, 1).Erf().ToFloatArray()[0]);
    }

    [Fact]
    public void Log1pAndExpm1KeepTheirDigitsNearZero()
    {
        Near([1e-20, 0.6931471805599453, -1e-20], D(1e-20, 1, -1e-20).Log1p());
        Near([1e-20, 1.718281828459045, -0.6321205588285577, -1e-20], D(1e-20, 1, -1, -1e-20).Expm1());
        Assert.True(double.IsPositiveInfinity(D(1000).Expm1().Item()));
        Assert.Equal(-1.0, D(-1000).Expm1().Item());
    }

    [Fact]
    public void SinCosValuesAndGradients()
    {
        var x = Leaf(0, Math.PI / 2, 1);
        Near([0, 1, Math.Sin(1)], x.Sin());
        Near([1, 6.123233995736766e-17, Math.Cos(1)], x.Cos());
        (x.Sin() + x.Cos()).Sum().Backward();
        Near([1, -1 + 6.123233995736766e-17, Math.Cos(1) - Math.Sin(1)], x.Grad!);
    }

    [Fact]
    public void ActivationsMatchPyTorchIncludingTheGradientAtZero()
    {
        var x = Leaf(-1, 0, 2);
        Near([-0.15865525393145707, 0, 1.9544997361036416], x.Gelu());
        Near([-0.15880800939172324, 0, 1.954597694087775], x.Gelu(tanhApproximation: true), 1e-15);
        Near([-0.2689414213699951, 0, 1.7615941559557649], x.Silu());
        Near([-0.1, 0, 2], x.LeakyRelu(0.1));
        Near([-2 * 0.6321205588285577, 0, 2], x.Elu(2));

        // PyTorch: leaky_relu'(0) = negative_slope, elu'(0) = alpha (the left branch), gelu'(0) = ½.
        x.LeakyRelu(0.1).Sum().Backward();
        Near([0.1, 0.1, 1], x.Grad!);
        x.ZeroGrad(); x.Elu(2).Sum().Backward();
        Near([2 * Math.Exp(-1), 2, 1], x.Grad!);
        x.ZeroGrad(); x.Gelu().Sum().Backward();
        Assert.Equal(0.5, x.Grad!.ToDoubleArray()[1], 15);
    }

    [Fact]
    public void ActivationArgumentsAreChecked()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => D(1).LeakyRelu(double.NaN));
        Assert.Contains("leaky_relu: negativeSlope", e.Message);
        Assert.Contains("elu: alpha", Assert.Throws<ArgumentOutOfRangeException>(() => D(1).Elu(double.PositiveInfinity)).Message);
    }

    [Fact]
    public void ClampPassesTheGradientAtItsBoundariesLikePyTorch()
    {
        var x = Leaf(-2, -1, 0, 1, 2, double.NaN);
        var y = x.Clamp(-1, 1);
        var v = y.ToDoubleArray();
        Assert.Equal([-1, -1, 0, 1, 1], v[..5]);
        Assert.True(double.IsNaN(v[5]));
        (y * D(1, 1, 1, 1, 1, 0)).Sum().Backward();
        Near([0, 1, 1, 1, 0, 0], x.Grad!);
    }

    [Fact]
    public void MaximumAndMinimumSplitTheGradientAtTies()
    {
        var a = Leaf(1, 2, 3);
        var b = Leaf(1, 5, 0);
        Near([1, 5, 3], Tensor.Maximum(a, b));
        Tensor.Maximum(a, b).Sum().Backward();
        Near([0.5, 0, 1], a.Grad!);
        Near([0.5, 1, 0], b.Grad!);
        a.ZeroGrad(); b.ZeroGrad();
        Near([1, 2, 0], Tensor.Minimum(a, b));
        Tensor.Minimum(a, b).Sum().Backward();
        Near([0.5, 1, 0], a.Grad!);
        Near([0.5, 0, 1], b.Grad!);
        Assert.True(double.IsNaN(Tensor.Maximum(D(double.NaN), D(1)).Item()));
        Assert.True(double.IsNaN(Tensor.Minimum(D(1), D(double.NaN)).Item()));
    }

    [Fact]
    public void ProdGradientIsExactWithOneZeroAndWithSeveral()
    {
        var x = Leaf(2, 3, 4, 5, 6);
        Assert.Equal(720.0, x.Prod().Item());
        x.Prod().Backward();
        Near([360, 240, 180, 144, 120], x.Grad!);

        var one = Leaf(2, 0, 4, 5, 6);                 // one zero: only its position gets Π of the others
        Assert.Equal(0.0, one.Prod().Item());
        one.Prod().Backward();
        Near([0, 240, 0, 0, 0], one.Grad!);

        var two = Leaf(2, 0, 4, 0, 6);                 // two zeros: every partial product has a zero
        two.Prod().Backward();
        Near([0, 0, 0, 0, 0], two.Grad!);

        var m = Tensor.FromArray(new double[] { 1, 2, 3, 0, 5, 6 }, 2, 3);
        m.RequiresGrad = true;
        Near([6, 0], m.Prod(1));
        Near([0, 10, 18], m.Prod(0));
        Assert.Equal([2, 1], m.Prod(1, keepDim: true).Shape.ToArray());
        m.Prod(1).Sum().Backward();
        Near([6, 3, 2, 30, 0, 0], m.Grad!);
        Near([1, 1], Tensor.Zeros(DType.Float64, 2, 0).Prod(1));
    }

    [Fact]
    public void VarAndStdWithCorrection()
    {
        var x = D(1, 2, 3, 4);
        Assert.Equal(1.25, x.Var().Item(), 15);
        Assert.Equal(5.0 / 3, x.Var(correction: 1).Item(), 14);
        Assert.Equal(Math.Sqrt(5.0 / 3), x.Std(correction: 1).Item(), 14);
        Assert.Equal(Math.Sqrt(1.25), x.Std().Item(), 15);
        var m = Tensor.FromArray(new double[] { 1, 3, 2, 6 }, 2, 2);
        Near([2, 8], m.Var([1], correction: 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => D(1).Var(correction: 1));
        Assert.Contains("var: correction 1 leaves no degrees of freedom", e.Message);
        Assert.Contains("std: correction", Assert.Throws<ArgumentOutOfRangeException>(() => D(1, 2).Std(correction: -1)).Message);
    }

    [Fact]
    public void NormValuesAndTheGradientAtZero()
    {
        var x = Leaf(3, -4);
        Assert.Equal(5.0, x.Norm().Item(), 15);
        Assert.Equal(7.0, x.Norm(1).Item(), 15);
        Assert.Equal(4.0, x.Norm(double.PositiveInfinity).Item(), 15);
        Assert.Equal(Math.Cbrt(91), x.Norm(3).Item(), 14);
        x.Norm().Backward();
        Near([0.6, -0.8], x.Grad!);

        var z = Leaf(0, 0);                             // PyTorch: the gradient of ‖0‖ is 0, not NaN
        foreach (double p in new[] { 1, 2, 3, double.PositiveInfinity })
        {
            z.ZeroGrad();
            Assert.Equal(0.0, z.Norm(p).Item());
            z.Norm(p).Backward();
            Near([0, 0], z.Grad!);
        }
        var ties = Leaf(2, -2, 1);
        ties.Norm(double.PositiveInfinity).Backward();
        Near([0.5, -0.5, 0], ties.Grad!);
        Assert.Contains("norm: p must be a number ≥ 1", Assert.Throws<ArgumentOutOfRangeException>(() => z.Norm(0.5)).Message);
    }

    [Fact]
    public void ArgMinTakesTheFirstAtTies()
    {
        var m = Tensor.FromArray(new double[] { 3, 1, 1, 0, 5, 0 }, 2, 3);
        Assert.Equal([1, 0], m.ArgMin(1));
        Assert.Equal([1, 0, 1], m.ArgMin(0));
        Assert.Equal([1], D(1, double.NaN, -1).ArgMin());
    }

    [Fact]
    public void SplitAndChunkLikePyTorch()
    {
        var x = Leaf(0, 1, 2, 3, 4);
        var parts = x.Split(2);
        Assert.Equal([2, 2, 1], parts.Select(p => p.Numel));
        Near([4], parts[2]);
        Assert.Equal([1, 4], x.Split([1, 4]).Select(p => p.Numel));
        Assert.Equal([2, 2, 2], D(0, 1, 2, 3, 4, 5).Chunk(4).Select(p => p.Numel));   // fewer than 4, as torch.chunk
        (parts[0].Sum() + parts[2].Sum() * 3).Backward();
        Near([1, 1, 0, 0, 3], x.Grad!);
        var e = Assert.Throws<ShapeException>(() => x.Split([2, 2]));
        Assert.Contains("split: sections [2, 2] add up to 4 but dimension 0 of shape [5] has size 5", e.Message);
        Assert.Contains("split: splitSize", Assert.Throws<ArgumentOutOfRangeException>(() => x.Split(0)).Message);
        Assert.Contains("chunk: chunks", Assert.Throws<ArgumentOutOfRangeException>(() => x.Chunk(0)).Message);
    }

    [Fact]
    public void RepeatTilesLikeTorchRepeat()
    {
        var x = Tensor.FromArray(new double[] { 1, 2 }, 1, 2);
        x.RequiresGrad = true;
        var y = x.Repeat(2, 3);
        Assert.Equal([2, 6], y.Shape.ToArray());
        Near([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2], y);
        Assert.Equal([3, 1, 4], x.Repeat(3, 1, 2).Shape.ToArray());
        y.Sum().Backward();
        Near([6, 6], x.Grad!);
        var e = Assert.Throws<ShapeException>(() => x.Repeat(2));
        Assert.Contains("repeat: repeats [2] has 1 counts for shape [1, 2] of rank 2", e.Message);
    }

    [Fact]
    public void MaskedFillBroadcastsTheMaskAndStopsTheGradient()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        x.RequiresGrad = true;
        var mask = Tensor.FromArray(new float[] { 0, 1 }, 2);   // broadcast over rows; float32 is converted
        var y = x.MaskedFill(mask, -1);
        Near([1, -1, 3, -1], y);
        y.Sum().Backward();
        Near([1, 0, 1, 0], x.Grad!);
        var e = Assert.Throws<ShapeException>(() => x.MaskedFill(Tensor.Zeros(DType.Float64, 3), 0));
        Assert.StartsWith("masked_fill: mask [3] does not broadcast to x [2, 2]", e.Message);
    }

    [Fact]
    public void CumsumAndItsGradient()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        x.RequiresGrad = true;
        Near([1, 3, 6, 4, 9, 15], x.Cumsum(1));
        Near([1, 2, 3, 5, 7, 9], x.Cumsum(0));
        (x.Cumsum(-1) * Tensor.FromArray(new double[] { 1, 10, 100, 1, 10, 100 }, 2, 3)).Sum().Backward();
        Near([111, 110, 100, 111, 110, 100], x.Grad!);
        Assert.Throws<ShapeException>(() => x.Cumsum(2));
    }

    [Fact]
    public void FlipReversesAlongAxes()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        x.RequiresGrad = true;
        Near([3, 2, 1, 6, 5, 4], x.Flip(1));
        Near([4, 5, 6, 1, 2, 3], x.Flip(0));
        Near([6, 5, 4, 3, 2, 1], x.Flip(0, 1));
        (x.Flip(1) * Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3)).Sum().Backward();
        Near([3, 2, 1, 6, 5, 4], x.Grad!);
        Assert.Contains("flip", Assert.Throws<ShapeException>(() => x.Flip(1, -1)).Message);
    }

    [Fact]
    public void SortIsStableAndScattersTheGradientBack()
    {
        var x = Leaf(3, 1, 2, 1, double.NaN, 2);
        var (v, idx) = x.Sort();
        Assert.Equal([1, 3, 2, 5, 0, 4], idx);                 // equal values keep their order; NaN last
        Near([1, 1, 2, 2, 3], v.Slice(0, 0, 5));
        var (vd, idd) = x.Sort(descending: true);
        Assert.Equal([4, 0, 2, 5, 1, 3], idd);                 // NaN first; ties still in original order
        (v.Slice(0, 0, 5) * D(1, 2, 3, 4, 5)).Sum().Backward();
        Near([5, 1, 3, 2, 0, 4], x.Grad!);

        var m = Tensor.FromArray(new double[] { 5, 1, 4, 2, 8, 0 }, 3, 2);
        var (cols, ci) = m.Sort(0);
        Near([4, 0, 5, 1, 8, 2], cols);
        Assert.Equal([1, 2, 0, 0, 2, 1], ci);
    }

    [Fact]
    public void TopKTakesTheEarlierPositionAtTies()
    {
        var x = Leaf(1, 5, 3, 5, 0);
        var (v, idx) = x.TopK(3);
        Near([5, 5, 3], v);
        Assert.Equal([1, 3, 2], idx);
        var (s, si) = x.TopK(2, largest: false);
        Near([0, 1], s);
        Assert.Equal([4, 0], si);
        (v * D(1, 2, 3)).Sum().Backward();
        Near([0, 1, 3, 2, 0], x.Grad!);
        Assert.Equal(0, x.TopK(0).Values.Numel);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.TopK(6));
        Assert.Contains("topk: k must be in [0, 5], got 6", e.Message);
    }

    [Fact]
    public void EinsumContractionsMatchTheirOps()
    {
        var a = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = Tensor.FromArray(new double[] { 1, 0, 2, 1, 0, 3 }, 3, 2);
        Near(Tensor.Matmul(a, b).ToDoubleArray(), Tensor.Einsum("ij,jk->ik", a, b));
        Near(Tensor.Matmul(a, b).ToDoubleArray(), Tensor.Einsum("ij, jk", a, b));
        Near(a.Transpose().ToDoubleArray(), Tensor.Einsum("ij->ji", a));
        Assert.Equal(21.0, Tensor.Einsum("ij->", a).Item());
        var sq = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        Assert.Equal(5.0, Tensor.Einsum("ii->", sq).Item());
        Near([1, 4], Tensor.Einsum("ii->i", sq));
        Near([3, 8], Tensor.Einsum("i,i->i", D(1, 2), D(3, 4)));
        Assert.Equal(11.0, Tensor.Einsum("i,i->", D(1, 2), D(3, 4)).Item());
        Near([3, 4, 6, 8], Tensor.Einsum("i,j->ij", D(1, 2), D(3, 4)));
        var ba = Tensor.FromArray(Enumerable.Range(0, 12).Select(v => (double)v).ToArray(), 2, 2, 3);
        var bb = Tensor.FromArray(Enumerable.Range(0, 12).Select(v => v * 0.5).ToArray(), 2, 3, 2);
        Near(Tensor.Matmul(ba, bb).ToDoubleArray(), Tensor.Einsum("bij,bjk->bik", ba, bb));

        var x = Leaf(1, 2);
        Tensor.Einsum("i,i->", x, D(3, 4)).Backward();
        Near([3, 4], x.Grad!);
    }

    [Theory]
    [InlineData("ij,jk->ik", 1, "2 operand subscript(s) but 1 tensor(s) given")]
    [InlineData("i...->i", 1, "ellipsis (...) is not supported")]
    [InlineData("ij,jk,kl->il", 3, "3 operands; einsum supports one or two")]
    [InlineData("ij->k", 1, "output index 'k' does not occur in any operand")]
    [InlineData("ij->ii", 1, "output index 'i' occurs more than once")]
    [InlineData("i1->i", 1, "'1' is not a subscript")]
    [InlineData("i->i->i", 1, "more than one \"->\"")]
    public void EinsumNamesTheEquationAndWhatIsWrong(string equation, int operands, string what)
    {
        var ts = Enumerable.Range(0, operands).Select(_ => Tensor.Zeros(DType.Float64, 2, 2)).ToArray();
        var e = Assert.Throws<ArgumentException>(() => Tensor.Einsum(equation, ts));
        Assert.Contains($"einsum: equation \"{equation}\": ", e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void EinsumShapeErrorsNameTheLetter()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Einsum("ij,jk->ik", Tensor.Zeros(DType.Float64, 2, 3), Tensor.Zeros(DType.Float64, 4, 2)));
        Assert.Contains("einsum: equation \"ij,jk->ik\": index 'j' has size 3 at dimension 1 of operand 0 but 4 at dimension 0 of operand 1", e.Message);
        var r = Assert.Throws<ShapeException>(() => Tensor.Einsum("ijk->i", Tensor.Zeros(DType.Float64, 2, 3)));
        Assert.Contains("operand 0 has shape [2, 3] (rank 2) but its subscripts \"ijk\" name 3 dimensions", r.Message);
    }
}
