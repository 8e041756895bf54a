using System.Globalization;
using AutoGrad.Checking;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Support;

/// <summary>
/// One random case of an op row: dimension sizes, flag bits, raw values in [-1, 1] (mapped into
/// each input's domain and reused cyclically), and a seed for the op's own choices. Printed in
/// full when it fails, so it can be rebuilt by hand.
/// </summary>
public sealed record DrawnCase(OpCase Op, int[] Dims, int Flags, double[] Values, int ParamSeed)
{
    public int[][] InputShapes => Op.Shapes(Dims, Flags);

    public Tensor[] Inputs(DType dtype)
    {
        var shapes = InputShapes;
        var inputs = new Tensor[shapes.Length];
        int k = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            var t = Tensor.Zeros(dtype, shapes[i]);
            for (int e = 0; e < t.Numel; e++, k++) t.AsSpanSet(e, Map(Values[k % Values.Length], Op.DomainOf(i)));
            t.RequiresGrad = Op.Checked is null || Op.Checked[i];
            t.Name = $"x{i}";
            inputs[i] = t;
        }
        return inputs;
    }

    public static double Map(double r, Domain d) => d switch
    {
        Domain.Positive => 0.25 + 2.75 * Math.Abs(r),
        Domain.NonZero => (r < 0 ? -1 : 1) * (0.4 + 1.6 * Math.Abs(r)),
        _ => 2 * r,
    };

    public CaseInfo Info => new(InputShapes, new Generator((ulong)ParamSeed), Flags);

    public override string ToString()
    {
        var shapes = string.Join(" and ", InputShapes.Select(s => Shapes.Format(s)));
        int used = Math.Min(Values.Length, InputShapes.Sum(s => Shapes.Numel(s)));
        var vals = string.Join(", ", Values.Take(used).Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));
        return $"op '{Op.Name}': shapes {shapes}; dims [{string.Join(", ", Dims)}], flags {Flags}, param seed {ParamSeed}; raw values [{vals}]";
    }
}

/// <summary>FsCheck generation and shrinking of <see cref="DrawnCase"/>s, and the gradcheck property itself.</summary>
public static class GradProperty
{
    public static Gen<DrawnCase> Cases(OpCase op) =>
        from rank in Gen.Choose(op.Dims.Min, op.Dims.Max)
        from dims in Gen.ArrayOf(Gen.Frequency((2, Gen.Constant(1)), (5, Gen.Choose(2, 3)), (1, Gen.Constant(4))), rank)
        from flags in Gen.Choose(0, int.MaxValue)
        from values in Gen.ArrayOf(Gen.Choose(-1000, 1000).Select(i => i / 1000.0), 97)
        from seed in Gen.Choose(0, int.MaxValue)
        select new DrawnCase(op, dims, flags, values, seed);

    public static IEnumerable<DrawnCase> Shrink(DrawnCase c)
    {
        for (int i = 0; i < c.Dims.Length; i++)
        {
            if (c.Dims[i] > 1) yield return c with { Dims = With(c.Dims, i, 1) };
            if (c.Dims[i] > 2) yield return c with { Dims = With(c.Dims, i, c.Dims[i] - 1) };
        }
        if (c.Dims.Length > c.Op.Dims.Min)
        {
            yield return c with { Dims = c.Dims[1..] };
            yield return c with { Dims = c.Dims[..^1] };
        }
        if (c.Flags != 0)
        {
            yield return c with { Flags = 0 };
            yield return c with { Flags = c.Flags & (c.Flags - 1) };
        }
        var rounded = c.Values.Select(v => Math.Round(v, 1)).ToArray();
        if (!rounded.SequenceEqual(c.Values)) yield return c with { Values = rounded };
        if (c.Values.Any(v => v != 0.5)) yield return c with { Values = [0.5] };
    }

    private static int[] With(int[] a, int i, int v)
    {
        var r = (int[])a.Clone();
        r[i] = v;
        return r;
    }

    public static Arbitrary<DrawnCase> Arbitrary(OpCase op) => Arb.From(Cases(op), Shrink);

    /// <summary>Gradchecks one case in float64; throws with the case and the gradcheck report on failure.</summary>
    public static void Holds(DrawnCase c, GradCheckOptions? options = null)
    {
        var inputs = c.Inputs(DType.Float64);
        var f = c.Op.Make(c.Info);
        var opts = (options ?? new GradCheckOptions()) with { Atol = c.Op.Atol ?? options?.Atol, Rtol = c.Op.Rtol ?? options?.Rtol, Eps = c.Op.Eps ?? options?.Eps };
        GradCheckResult r;
        try { r = GradCheck.Run(f, inputs, opts); }
        catch (Exception e) when (e is not GradCheckException)
        {
            throw new Exception($"{c}\n  threw {e.GetType().Name}: {e.Message}", e);
        }
        if (!r.Passed) throw new Exception($"{c}\n  {r}");
    }
}

internal static class TensorTestExtensions
{
    public static void AsSpanSet(this Tensor t, int flat, double value)
    {
        if (t.DType == DType.Float32) t.AsSpan<float>()[flat] = (float)value; else t.AsSpan<double>()[flat] = value;
    }
}
