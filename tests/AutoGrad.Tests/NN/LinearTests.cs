using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class LinearTests
{
    private static Tensor M(double[,] v) => Tensor.FromArray(v);

    [Fact]
    public void ComputesXTimesWPlusB()
    {
        var w = M(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var b = Tensor.FromArray(new[] { 0.5, -1, 0 });
        var layer = Linear.FromWeights(w, b);
        Assert.Equal(2, layer.InFeatures);
        Assert.Equal(3, layer.OutFeatures);
        var y = layer.Forward(M(new double[,] { { 1, 0 }, { 1, 1 } }));
        Assert.Equal([1.5, 1, 3, 5.5, 6, 9], y.ToDoubleArray());
        // A single example [in] gives [out].
        var y1 = layer.Forward(Tensor.FromArray(new[] { 0.0, 1 }));
        Assert.Equal([4.5, 4, 6], y1.ToDoubleArray());
    }

    [Fact]
    public void BatchesOfBatchesShareTheWeight()
    {
        var gen = new Generator(2);
        var layer = new Linear(3, 2, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 2, 4, 3);
        var y = layer.Forward(x);
        Assert.Equal([2, 4, 2], y.Shape.ToArray());
        AssertClose(layer.Forward(x.Select(0, 1)), y.Select(0, 1));
    }

    [Fact]
    public void GradientsAreTheMatrixFormulas()
    {
        // dL/dW = xᵀ g, dL/db = Σ_rows g, dL/dx = g Wᵀ for L = Σ (y ⊙ g).
        var gen = new Generator(3);
        var layer = new Linear(3, 2, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 3).RequireGrad();
        var g = Tensor.Normal(gen, 0, 1, DType.Float64, 4, 2);
        (layer.Forward(x) * g).Sum().Backward();
        AssertClose(Tensor.Matmul(x.Detach().T, g), layer.Weight.Grad!);
        AssertClose(g.Sum(0), layer.Bias!.Grad!);
        AssertClose(Tensor.Matmul(g, layer.Weight.Detach().T), x.Grad!);
    }

    [Fact]
    public void ParametersAreNamedAndBiasIsFlagged()
    {
        var layer = new Linear(4, 2, new Generator(1));
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Equal([4, 2], layer.Weight.Shape.ToArray());
        Assert.Equal([2], layer.Bias!.Shape.ToArray());
        Assert.Same(layer.Bias, Assert.Single(layer.Biases()));
        Assert.Same(layer.Weight, Assert.Single(layer.Weights()));
        Assert.All(layer.Bias.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.True(layer.Weight.RequiresGrad);
        Assert.Equal(10, layer.ParameterCount());
    }

    [Fact]
    public void BiasIsOptional()
    {
        var layer = new Linear(3, 2, new Generator(1), bias: false);
        Assert.Null(layer.Bias);
        Assert.Single(layer.Parameters());
        Assert.Contains("no bias", layer.ToString());
    }

    [Fact]
    public void SameSeedSameWeights()
    {
        var a = new Linear(5, 4, new Generator(42));
        var b = new Linear(5, 4, new Generator(42));
        var c = new Linear(5, 4, new Generator(43));
        Assert.Equal(a.Weight.ToFloatArray(), b.Weight.ToFloatArray());
        Assert.NotEqual(a.Weight.ToFloatArray(), c.Weight.ToFloatArray());
    }

    [Fact]
    public void InitializerIsUsed()
    {
        var layer = new Linear(3, 2, new Generator(1), Initializer.Constant(0.25));
        Assert.All(layer.Weight.ToDoubleArray(), v => Assert.Equal(0.25, v));
    }

    [Fact]
    public void TheNotesWxLayoutIsTheTranspose()
    {
        // Notes 000/004 write h = W x with row j = weights into unit j; pass W.T to get the same h.
        var w = M(new double[,] { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } });
        var x = Tensor.FromArray(new double[] { 0, 1, 2 });
        var h = Linear.FromWeights(w.T).Forward(x);
        Assert.Equal(Tensor.Matmul(w, x).ToDoubleArray(), h.ToDoubleArray());
        Assert.Equal([8.0, 17, 26], h.ToDoubleArray());
    }

    [Fact]
    public void TwoLinearLayersComposeToOneLinearMap()
    {
        // Note 000 L376 / note 002 L300: o = W2 W1 x = A x.
        var gen = new Generator(5);
        var l1 = new Linear(3, 4, gen, bias: false, dtype: DType.Float64);
        var l2 = new Linear(4, 2, gen, bias: false, dtype: DType.Float64);
        var a = Linear.FromWeights(Tensor.Matmul(l1.Weight.Detach(), l2.Weight.Detach()));
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 6, 3);
        AssertClose(a.Forward(x), new Sequential(l1, l2).Forward(x));
    }

    [Fact]
    public void ScaleWeightsLeavesTheBias()
    {
        var layer = Linear.FromWeights(M(new double[,] { { 2, 4 } }), Tensor.FromArray(new double[] { 1, 1 }));
        layer.ScaleWeights(0.5);
        Assert.Equal([1.0, 2], layer.Weight.ToDoubleArray());
        Assert.Equal([1.0, 1], layer.Bias!.ToDoubleArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.ScaleWeights(double.NaN));
    }

    [Fact]
    public void WrongInputShapeNamesTheLayerAndShapes()
    {
        var layer = new Linear(3, 2, new Generator(1));
        var e = Assert.Throws<ShapeException>(() => layer.Forward(Tensor.Zeros(4, 5)));
        Assert.Contains("Linear", e.Message);
        Assert.Contains("[4, 5]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
        Assert.Throws<ShapeException>(() => layer.Forward(Tensor.Scalar(1)));
        Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros(DType.Float64, 4, 3)));
    }

    [Fact]
    public void BadConstructionArgumentsAreRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(0, 2, new Generator(1)));
        Assert.Contains("inFeatures", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(2, -1, new Generator(1)));
        Assert.Throws<ShapeException>(() => Linear.FromWeights(Tensor.Zeros(3)));
        var b = Assert.Throws<ShapeException>(() => Linear.FromWeights(Tensor.Zeros(3, 2), Tensor.Zeros(3)));
        Assert.Contains("bias must have shape [2]", b.Message);
    }

    [Fact]
    public void CallRecordsTheCallersLineWithTheModuleAsScope()
    {
        var layer = new Linear(2, 2, new Generator(1));
        var y = layer.Call(Tensor.Ones(1, 2));
        Assert.EndsWith("LinearTests.cs", y.GradFn!.Site.File);
        Assert.Equal("Linear", y.GradFn.Site.Scope);
    }

    internal static void AssertClose(Tensor expected, Tensor actual, double tol = 1e-10)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"element {i}: expected {e[i]}, got {a[i]}");
    }
}
