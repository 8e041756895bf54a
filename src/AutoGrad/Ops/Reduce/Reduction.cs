using AutoGrad.Kernels;

namespace AutoGrad.Ops;

/// <summary>
/// The forward shared by the reductions sum and max: the kernel runs axis by axis (a run of
/// adjacent axes merged into one pass) and gives the keep-dim shape.
/// </summary>
internal static class Reduction
{
    public static Tensor Run(Tensor x, int[] axes, int[] kept, bool max)
    {
        var cur = x;
        if (axes.Length == 0) return x.Clone().ReshapeView(kept);
        Span<int> shape = stackalloc int[x.Rank];
        x.ShapeArray.CopyTo(shape);
        int i = axes.Length - 1;
        while (i >= 0)
        {
            // Merge a run of consecutive axes [first..last] into one reduction.
            int last = axes[i], first = last;
            while (i > 0 && axes[i - 1] == first - 1) { first--; i--; }
            i--;
            int outer = 1, n = 1, inner = 1;
            for (int d = 0; d < first; d++) outer *= shape[d];
            for (int d = first; d <= last; d++) n *= shape[d];
            for (int d = last + 1; d < shape.Length; d++) inner *= shape[d];
            for (int d = first; d <= last; d++) shape[d] = 1;
            var y = Tensor.Empty(Shapes.Keep(shape), x.DType);
            Launch.Run(new ReduceLaunch(cur, y, outer, n, inner, max), cur);
            cur = y;
        }
        return cur;
    }

    private readonly struct ReduceLaunch(Tensor x, Tensor y, int outer, int n, int inner, bool max) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32)
            {
                if (max) Reduce.Max(x.SpanF, outer, n, inner, y.SpanF); else Reduce.Sum(x.SpanF, outer, n, inner, y.SpanF);
            }
            else
            {
                if (max) Reduce.Max(x.SpanD, outer, n, inner, y.SpanD); else Reduce.Sum(x.SpanD, outer, n, inner, y.SpanD);
            }
        }
    }
}
