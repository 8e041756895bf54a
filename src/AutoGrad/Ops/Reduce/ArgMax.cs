using static AutoGrad.Ops.Dispatch;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>
    /// Index of the largest element along <paramref name="axis"/> for every position of the other
    /// axes (the first one at ties; NaN counts as largest). Not differentiable: returns integers,
    /// e.g. the predicted class of each row of logits.
    /// </summary>
    /// <exception cref="ShapeException">The axis is out of range or has size 0.</exception>
    /// <exception cref="InvalidOperationException">Called inside <see cref="Memory.StepPlan.Capture"/> (it reads values into C#).</exception>
    public int[] ArgMax(int axis = -1)
    {
        Launch.HostCode("ArgMax", Launch.ReadRefusal);
        int a = Shapes.NormalizeAxis("argmax", axis, Rank);
        var (outer, n, inner) = Ops.Dispatch.Split(ShapeArray, a);
        if (n == 0) throw ShapeErrors.EmptyReduction("argmax", ShapeArray, a);
        var result = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                double bv = GetFlat(o * n * inner + i);
                for (int j = 1; j < n && !double.IsNaN(bv); j++)
                {
                    double v = GetFlat((o * n + j) * inner + i);
                    if (v > bv || double.IsNaN(v)) { bv = v; best = j; }
                }
                result[o * inner + i] = best;
            }
        return result;
    }
}
