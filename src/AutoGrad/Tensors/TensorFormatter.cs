using System.Globalization;
using System.Text;

namespace AutoGrad;

/// <summary>Readable text of a tensor: nested brackets, then shape, dtype and grad information.</summary>
internal static class TensorFormatter
{
    private const int SummarizeAbove = 1000;
    private const int EdgeItems = 3;

    public static string Format(Tensor t)
    {
        var sb = new StringBuilder("tensor(");
        bool summarize = t.Numel > SummarizeAbove;
        int width = 0;
        for (int i = 0; i < t.Numel; i++) width = Math.Max(width, Number(t.GetFlat(i)).Length);
        if (t.Rank == 0) sb.Append(Number(t.GetFlat(0)));
        else AppendDim(sb, t, 0, 0, summarize, width, "tensor(".Length);
        sb.Append(", shape=").Append(Shapes.Format(t.ShapeArray)).Append(", dtype=").Append(t.DType.Name());
        if (t.GradFn is not null) sb.Append(", grad_fn=").Append(t.GradFn.Name);
        else if (t.RequiresGrad) sb.Append(", requires_grad");
        if (t.Name is not null) sb.Append(", name=").Append(t.Name);
        return sb.Append(')').ToString();
    }

    internal static string Number(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        double a = Math.Abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-4)) return v.ToString("0.####e+0", CultureInfo.InvariantCulture);
        return v.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static void AppendDim(StringBuilder sb, Tensor t, int dim, int offset, bool summarize, int width, int indent)
    {
        int n = t.ShapeArray[dim];
        int stride = 1;
        for (int d = dim + 1; d < t.Rank; d++) stride *= t.ShapeArray[d];
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (summarize && n > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(dim == t.Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + dim + 1));
                i = n - EdgeItems - 1;
                continue;
            }
            if (dim == t.Rank - 1) sb.Append(Number(t.GetFlat(offset + i)).PadLeft(width));
            else AppendDim(sb, t, dim + 1, offset + i * stride, summarize, width, indent);
            if (i < n - 1)
            {
                sb.Append(',');
                if (dim == t.Rank - 1) sb.Append(' ');
                else sb.Append('\n', t.Rank - 1 - dim).Append(' ', indent + dim + 1);
            }
        }
        sb.Append(']');
    }
}
