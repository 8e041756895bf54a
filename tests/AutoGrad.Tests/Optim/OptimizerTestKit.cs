namespace AutoGrad.Tests.Optim;

/// <summary>
/// Drives an optimizer on E(w) = ½ Σᵢ aᵢ (wᵢ − bᵢ)², whose gradient aᵢ(wᵢ − bᵢ) the test knows in
/// closed form, and compares every step with an independent float64 reference of the update rule.
/// </summary>
internal static class OptimizerTestKit
{
    public static readonly double[] A = [1.0, 2.0, 0.5, 3.0];
    public static readonly double[] B = [0.5, -1.0, 2.0, 0.0];
    public static readonly double[] W0 = [1.0, 0.5, -0.5, 2.0];

    public static Tensor NewParameter(DType dtype) => Tensor.From(dtype, W0, 2, 2).RequireGrad();

    /// <summary>One forward and backward of the quadratic loss into p.Grad.</summary>
    public static void Backward(Tensor p)
    {
        p.ZeroGrad();
        var a = Tensor.From(p.DType, A, 2, 2);
        var b = Tensor.From(p.DType, B, 2, 2);
        var loss = (a * (p - b).Square()).Sum() * 0.5;
        loss.Backward();
    }

    public static double[] Gradient(double[] w) => w.Select((wi, i) => A[i] * (wi - B[i])).ToArray();

    /// <summary>
    /// Runs <paramref name="steps"/> steps of <paramref name="optimizer"/> on the parameter and of
    /// <paramref name="reference"/> (w, g, t) → w' on doubles, and asserts they agree after each step.
    /// </summary>
    public static void AssertMatches(Tensor p, AutoGrad.Optim.Optimizer optimizer, Func<double[], double[], int, double[]> reference, int steps = 6)
    {
        double tol = p.DType == DType.Float64 ? 1e-12 : 1e-5;
        var w = (double[])W0.Clone();
        for (int t = 1; t <= steps; t++)
        {
            Backward(p);
            var g = Gradient(w);
            var pg = p.Grad!.ToDoubleArray();
            for (int i = 0; i < g.Length; i++) Assert.Equal(g[i], pg[i], 1e-5);
            optimizer.Step();
            w = reference(w, g, t);
            var actual = p.ToDoubleArray();
            for (int i = 0; i < w.Length; i++)
                Assert.True(Math.Abs(actual[i] - w[i]) <= tol * Math.Max(1, Math.Abs(w[i])),
                    $"step {t}, element {i}: optimizer gave {actual[i]:R}, closed form {w[i]:R}");
        }
    }
}
