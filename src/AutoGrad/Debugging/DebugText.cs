using System.Globalization;
using System.Text;
using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>Formatting shared by the debugging reports, so they read alike and print the same on every machine.</summary>
internal static class DebugText
{
    /// <summary>Six significant digits, invariant culture, with inf/-inf/NaN spelled out.</summary>
    public static string Num(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        if (v == 0) return "0";
        return v.ToString("G6", CultureInfo.InvariantCulture);
    }

    public static string Index(int[] index) => $"[{string.Join(", ", index)}]";

    /// <summary>Euclidean norm of all elements, in float64.</summary>
    public static double Norm(Tensor t)
    {
        double s = 0;
        for (int i = 0; i < t.Numel; i++)
        {
            double v = t.GetFlat(i);
            s += v * v;
        }
        return Math.Sqrt(s);
    }

    /// <summary>Up to <paramref name="max"/> values as <c>[a, b, ...]</c>.</summary>
    public static string Values(Tensor t, int max = 12)
    {
        var sb = new StringBuilder("[");
        int n = Math.Min(t.Numel, max);
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Num(t.GetFlat(i)));
        }
        if (t.Numel > max) sb.Append(", ... (").Append(t.Numel).Append(" values)");
        return sb.Append(']').ToString();
    }

    /// <summary>The non-finite elements of a tensor: the first few (multi-index, value) and how many there are.</summary>
    public static (List<(int[] Index, double Value)> First, int Count) NonFinite(Tensor t, int max = 5)
    {
        var first = new List<(int[], double)>();
        int count = 0;
        if (t.DType == DType.Float32)
        {
            var s = t.SpanF;
            for (int i = 0; i < s.Length; i++)
                if (!float.IsFinite(s[i]) && count++ < max) first.Add((Checking.GradCheck.Unravel(i, t.ShapeArray), s[i]));
        }
        else
        {
            var s = t.SpanD;
            for (int i = 0; i < s.Length; i++)
                if (!double.IsFinite(s[i]) && count++ < max) first.Add((Checking.GradCheck.Unravel(i, t.ShapeArray), s[i]));
        }
        return (first, count);
    }

    public static string List(List<(int[] Index, double Value)> values, int count)
    {
        var s = string.Join(", ", values.Select(v => $"{Index(v.Index)} = {Num(v.Value)}"));
        return count > values.Count ? $"{s}, ... ({count} in all)" : s;
    }

    /// <summary>Where a node was recorded, with advice when the line is unknown.</summary>
    public static string Site(Node node) => node.Site.ToString();

    public const string UnknownSiteAdvice =
        "Ops written as operators (a * b, x + 1) cannot know their line: call the named method " +
        "(Tensor.Mul(a, b), x.AddScalar(1)) or set DebugSettings.CaptureStackTraces = true while debugging.";
}
