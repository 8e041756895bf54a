using AutoGrad.Autograd;
using AutoGrad.Debugging;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Debugging;

public class ExplainTests
{
    [Fact]
    public void TraceOfTheBiasIsStable()
    {
        var m = new TinyModel();
        var trace = Explain.Gradient(m.Loss, m.B);
        string f = "TinyModel.cs";
        string expected = $"""
            Chain rule for ∂loss/∂b: loss float64 [] = 0.306762; b float64 [1].
            6 of 7 recorded ops lie on a path from the loss to b; backward applies them from the loss down:

            step 1: #7 mul at {f}:{m.LossLine} (in mean)
              y = c·x;  ∂y/∂x = c
              shapes: [] -> []
              gradient arriving at the output: norm 1, values [1]
              sends to input 0 (#6 sum, []): norm 0.25, values [0.25]

            step 2: #6 sum at {f}:{m.LossLine} (in mean)
              y = Σ x over axes;  ∂y/∂x = 1 (G copied back over the summed axes)
              shapes: [4, 1] -> []
              gradient arriving at the output: norm 0.25, values [0.25]
              sends to input 0 (#5 pow, [4, 1]): norm 0.5, values [0.25, 0.25, 0.25, 0.25]

            step 3: #5 pow at {f}:{m.LossLine}
              y = xᵖ;  ∂y/∂x = p·xᵖ⁻¹
              shapes: [4, 1] -> [4, 1]
              gradient arriving at the output: norm 0.5, values [0.25, 0.25, 0.25, 0.25]
              sends to input 0 (#4 sub, [4, 1]): norm 0.553861, values [-0.225083, 0.322828, -0.200656, 0.334094]

            step 4: #4 sub at {f}:{m.LossLine}
              y = a − b;  ∂y/∂a = 1, ∂y/∂b = −1
              shapes: [4, 1], [4, 1] -> [4, 1]
              gradient arriving at the output: norm 0.553861, values [-0.225083, 0.322828, -0.200656, 0.334094]
              sends to input 0 (#3 sigmoid, [4, 1]): norm 0.553861, values [-0.225083, 0.322828, -0.200656, 0.334094]

            step 5: #3 sigmoid at {f}:{m.SigmoidLine}
              y = σ(x);  ∂y/∂x = y(1 − y)
              shapes: [4, 1] -> [4, 1]
              gradient arriving at the output: norm 0.553861, values [-0.225083, 0.322828, -0.200656, 0.334094]
              sends to input 0 (#2 add, [4, 1]): norm 0.127944, values [-0.0557118, 0.073858, -0.0482098, 0.0740729]

            step 6: #2 add at {f}:{m.MatmulLine}
              y = a + b;  ∂y/∂a = 1, ∂y/∂b = 1
              shapes: [4, 1], [1] -> [4, 1]
              gradient arriving at the output: norm 0.127944, values [-0.0557118, 0.073858, -0.0482098, 0.0740729]
              sends to input 1 (b, [1]): norm 0.0440093, values [0.0440093]; broadcast [1] -> [4, 1], so summed over axis 0

            Result: ∂loss/∂b = [0.0440093] (norm 0.0440093), from 1 op that reads it.
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), trace.ToString());
    }

    [Fact]
    public void TheTraceAgreesWithTheTapeAndTheHandDerivation()
    {
        var m = new TinyModel();
        var trace = Explain.Gradient(m.Loss, m.W);
        Assert.Equal(7, trace.Steps.Count);
        Assert.Equal(Enumerable.Range(1, 7).Reverse(), trace.Steps.Select(s => s.Number));
        Assert.Equal("matmul", trace.Steps[^1].OpName);
        Assert.Equal(1, trace.Steps[^1].Edges.Single().Input);

        // On paper: ∂L/∂w = (2/n) Σ (o − y)·o(1 − o)·x.
        var x = m.X.ToDoubleArray();
        var w = m.W.ToDoubleArray();
        var y = m.Y.ToDoubleArray();
        var paper = new double[3];
        for (int r = 0; r < 4; r++)
        {
            double z = 0.5;
            for (int c = 0; c < 3; c++) z += x[r * 3 + c] * w[c];
            double o = 1 / (1 + Math.Exp(-z));
            for (int c = 0; c < 3; c++) paper[c] += 2.0 / 4 * (o - y[r]) * o * (1 - o) * x[r * 3 + c];
        }
        var traced = trace.Gradient.ToDoubleArray();
        for (int c = 0; c < 3; c++) Assert.Equal(paper[c], traced[c], 12);

        // The trace leaves no gradient behind; the tape then gives the same values.
        Assert.Null(m.W.Grad);
        m.Loss.Backward();
        Assert.Equal(traced, m.W.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AParameterUsedTwiceSumsTwoContributions()
    {
        var a = Tensor.From(DType.Float64, [1, 2], 2).RequireGrad();
        a.Name = "a";
        var loss = Tensor.Mul(a, a.Exp()).Sum();
        var trace = Explain.Gradient(loss, a);
        Assert.Equal(2, trace.Contributions);
        Assert.Contains("the sum of 2 contributions from the ops that read it.", trace.ToString());
        // d/da [a·eᵃ] = (1 + a)·eᵃ.
        Assert.Equal([2 * Math.E, 3 * Math.Exp(2)], trace.Gradient.ToDoubleArray());
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        var m = new TinyModel();
        var e = Assert.Throws<ArgumentException>(() => Explain.Gradient(m.Loss, m.X));
        Assert.Contains("Explain: the parameter (x float64 [4, 3]) must be a leaf with RequiresGrad = true", e.Message);
        var other = Tensor.Ones(DType.Float64, 2).RequireGrad();
        e = Assert.Throws<ArgumentException>(() => Explain.Gradient(m.Loss, other));
        Assert.Contains("the loss does not depend on the parameter", e.Message);
        var vector = Tensor.Mul(m.W, m.W);
        e = Assert.Throws<ArgumentException>(() => Explain.Gradient(vector, m.W));
        Assert.Contains("the loss has shape [3, 1] (3 elements)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Explain.Gradient(m.Loss, vector));
        Assert.Contains("this one was produced by 'mul'", e.Message);
        m.Loss.Backward();
        var freed = Assert.Throws<AutogradException>(() => Explain.Gradient(m.Loss, m.B));
        Assert.Contains("Explain: the graph was freed", freed.Message);
    }
}
