using System.Globalization;
using System.Text;

namespace AutoGrad.Checking;

/// <summary>
/// One drawn case of a <see cref="GradProperty"/> check: the size of each named dimension,
/// which broadcastable dimensions are 1, and every input's values. <see cref="Inputs"/> rebuilds
/// the tensors, so a failing case can be examined with <see cref="LocalCheck"/> or
/// <see cref="Checking.GradCheck"/>.
/// </summary>
public sealed class GradPropertyCase
{
    private readonly InputSpec[] _specs;

    internal GradPropertyCase(InputSpec[] specs, Dictionary<string, int> dims, bool[][] ones, double[][] values)
    {
        _specs = specs;
        DimsMap = dims;
        Ones = ones;
        ValueArrays = values;
        ShapeArrays = new int[specs.Length][];
        for (int i = 0; i < specs.Length; i++)
        {
            var parsed = specs[i].ParseShape(i);
            var shape = new int[parsed.Length];
            for (int d = 0; d < parsed.Length; d++)
                shape[d] = parsed[d].Name is { } n ? (ones[i][d] ? 1 : dims[n]) : parsed[d].Size;
            ShapeArrays[i] = shape;
        }
    }

    internal InputSpec[] Specs => _specs;

    internal readonly Dictionary<string, int> DimsMap;
    internal readonly bool[][] Ones;
    internal readonly double[][] ValueArrays;
    internal readonly int[][] ShapeArrays;

    /// <summary>The size drawn for each named dimension.</summary>
    public IReadOnlyDictionary<string, int> Dims => DimsMap;

    /// <summary>Each input's shape.</summary>
    public IReadOnlyList<int[]> Shapes => ShapeArrays;

    /// <summary>Each input's values, row-major.</summary>
    public IReadOnlyList<double[]> Values => ValueArrays;

    /// <summary>Fresh float64 tensors for the case: named, and requiring grad unless the spec is constant.</summary>
    public Tensor[] Inputs()
    {
        var r = new Tensor[_specs.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = Tensor.From(DType.Float64, ValueArrays[i], ShapeArrays[i]);
            r[i].Name = Name(i);
            r[i].RequiresGrad = _specs[i].Differentiable;
        }
        return r;
    }

    internal string Name(int i) => _specs[i].Name ?? $"x{i}";

    /// <summary>One line per input: name, shape and values (exact, round-trip formatting).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _specs.Length; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append($"{Name(i)} float64 {AutoGrad.Shapes.Format(ShapeArrays[i])}{(_specs[i].Differentiable ? "" : " (constant)")} = [");
            sb.Append(string.Join(", ", ValueArrays[i].Select(v => v.ToString(CultureInfo.InvariantCulture))));
            sb.Append(']');
        }
        return sb.ToString();
    }
}
