namespace AutoGrad.Tests.Support;

/// <summary>Where an op's input values are drawn from.</summary>
public enum Domain
{
    /// <summary>Uniform in [-2, 2].</summary>
    Any,
    /// <summary>Uniform in [0.25, 3] (log, sqrt, fractional powers).</summary>
    Positive,
    /// <summary>±[0.4, 2] (divisors, negative powers).</summary>
    NonZero,
}

/// <summary>
/// A drawn case as an op row sees it: the input shapes, a generator for its own choices (axes,
/// indices), the flag bits the shapes were drawn with (for a row whose layout they choose), and the
/// index arrays the row passes to its ops (see <see cref="Indices"/>).
/// </summary>
public sealed record CaseInfo(int[][] Shapes, Generator Random, int Flags = 0)
{
    private readonly List<int[]> _indexArrays = [];

    public int[] Shape => Shapes[0];
    public int Rank => Shapes[0].Length;

    /// <summary>Every array a row built with <see cref="Indices"/>, to register with a <c>StepPlan</c> capture.</summary>
    public int[][] IndexArrays => [.. _indexArrays];

    /// <summary>
    /// An index (or label) array the row passes to its ops, kept so the replay test can register it
    /// with <c>StepPlan.Capture</c>: a row whose indices are not built here is refused at capture,
    /// and that refusal fails the test.
    /// </summary>
    public int[] Indices(int count, Func<int> next)
    {
        var a = new int[count];
        for (int i = 0; i < count; i++) a[i] = next();
        _indexArrays.Add(a);
        return a;
    }

    /// <summary>A random subset of axes of input 0 (null = all, sometimes).</summary>
    public int[]? RandomAxes()
    {
        if (Rank == 0 || Random.NextInt(4) == 0) return null;
        var axes = new List<int>();
        for (int d = 0; d < Rank; d++) if (Random.NextInt(2) == 0) axes.Add(Random.NextInt(2) == 0 ? d : d - Rank);
        if (axes.Count == 0) axes.Add(Random.NextInt(Rank));
        return [.. axes];
    }

    public int RandomAxis() => Rank == 0 ? 0 : Random.NextInt(Rank);
}

/// <summary>
/// One row of the op table: how to draw the inputs' shapes from a list of dimension sizes and
/// flags, where their values come from, and the function of them to gradcheck.
/// </summary>
/// <param name="Name">The op (and variant) under test.</param>
/// <param name="Dims">How many dimension sizes the shape rule takes (min..max; for plain ops this is the rank).</param>
/// <param name="Shapes">Input shapes from the drawn dimension sizes and flag bits.</param>
/// <param name="Make">Builds the function to check once per case (so its random choices stay fixed across evaluations).</param>
/// <param name="Domains">Value domain of each input (the last one repeats).</param>
/// <param name="Checked">Which inputs are differentiated (default: all).</param>
/// <param name="Float32Inside">The function rounds through float32, so two exact ways of computing one derivative agree to float32 precision only.</param>
public sealed record OpCase(
    string Name,
    (int Min, int Max) Dims,
    Func<int[], int, int[][]> Shapes,
    Func<CaseInfo, Func<Tensor[], Tensor>> Make,
    Domain[] Domains,
    bool[]? Checked = null,
    double? Atol = null,
    double? Rtol = null,
    double? Eps = null,
    bool Float32Inside = false)
{
    public Domain DomainOf(int input) => Domains[Math.Min(input, Domains.Length - 1)];

    public override string ToString() => Name;
}
