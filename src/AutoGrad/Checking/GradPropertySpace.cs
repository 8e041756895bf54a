namespace AutoGrad.Checking;

/// <summary>
/// The cases of a <see cref="GradProperty"/> check: drawing one from a seed and listing the
/// smaller, simpler candidates of a failing one. Shared by <see cref="GradProperty.Check"/> and
/// the public <see cref="GradProperty.Draw"/> and <see cref="GradProperty.ShrinkCandidates"/>.
/// </summary>
/// <remarks>The specs and options must be validated (<see cref="GradProperty.Validate"/>).</remarks>
internal sealed class GradPropertySpace(InputSpec[] specs, GradPropertyOptions options)
{
    private static readonly double[] s_simple = [0, 1, -1, 0.5, -0.5, 2, -2, 0.25, -0.25];
    private readonly (string? Name, int Size, bool Broadcast)[][] _parsed = specs.Select((s, i) => s.ParseShape(i)).ToArray();
    private readonly List<string> _names = specs.SelectMany((s, i) => s.ParseShape(i)).Where(d => d.Name is not null).Select(d => d.Name!).Distinct().ToList();

    /// <summary>The case drawn from <paramref name="seed"/>: dimension sizes, size-1 broadcast dimensions, then values.</summary>
    public GradPropertyCase Draw(ulong seed)
    {
        var rng = new Generator(seed);
        var dims = new Dictionary<string, int>();
        foreach (var n in _names)
        {
            int span = options.MaxDim - options.MinDim + 1;
            // The smallest size gets extra weight: size-1 dimensions find broadcasting bugs.
            dims[n] = rng.NextInt(4) == 0 ? options.MinDim : options.MinDim + rng.NextInt(span);
        }
        var ones = _parsed.Select(p => p.Select(d => d.Broadcast && rng.NextInt(3) == 0).ToArray()).ToArray();
        var shell = new GradPropertyCase(specs, dims, ones, new double[specs.Length][]);
        var values = new double[specs.Length][];
        for (int i = 0; i < specs.Length; i++)
        {
            values[i] = new double[AutoGrad.Shapes.Numel(shell.ShapeArrays[i])];
            for (int e = 0; e < values[i].Length; e++) values[i][e] = Sample(specs[i], rng);
        }
        return new GradPropertyCase(specs, dims, ones, values);
    }

    private static double Sample(InputSpec s, Generator rng)
    {
        if (s.AvoidZero <= 0) return s.Min + (s.Max - s.Min) * rng.NextDouble();
        // Two segments, [Min, −a] and [a, Max], each chosen in proportion to its length.
        double negLen = Math.Max(0, Math.Min(s.Max, -s.AvoidZero) - s.Min);
        double posLen = Math.Max(0, s.Max - Math.Max(s.Min, s.AvoidZero));
        double u = rng.NextDouble() * (negLen + posLen);
        return u < negLen ? s.Min + u : Math.Max(s.Min, s.AvoidZero) + (u - negLen);
    }

    /// <summary>
    /// The smaller or simpler cases to try when <paramref name="c"/> fails, in order: each named
    /// dimension at its minimum and one smaller, each broadcast dimension at 1, each input's values
    /// all simple, then single values of small cases. Lazy: each candidate is built when asked for.
    /// </summary>
    public IEnumerable<GradPropertyCase> Candidates(GradPropertyCase c)
    {
        foreach (var n in _names)
        {
            int size = c.DimsMap[n];
            // Each smaller size twice: keeping the first values, then the last (the failing element may be either).
            foreach (bool fromEnd in new[] { false, true })
            {
                if (size > options.MinDim) yield return WithDim(c, n, options.MinDim, fromEnd);
                if (size - 1 > options.MinDim) yield return WithDim(c, n, size - 1, fromEnd);
            }
        }
        for (int i = 0; i < c.Ones.Length; i++)
            for (int d = 0; d < c.Ones[i].Length; d++)
                if (_parsed[i][d].Broadcast && !c.Ones[i][d])
                {
                    var ones = c.Ones.Select(o => (bool[])o.Clone()).ToArray();
                    ones[i][d] = true;
                    yield return Resized(c, c.DimsMap, ones, fromEnd: false);
                }
        for (int i = 0; i < specs.Length; i++)
        {
            var vs = c.ValueArrays[i];
            double now = vs.Sum(Complexity);
            var wholes = Simple(specs[i]).Select(v => vs.Select(_ => v).ToArray())
                .Append(vs.Select(v => Round(specs[i], v, 0)).ToArray())
                .Append(vs.Select(v => Round(specs[i], v, 1)).ToArray());
            foreach (var nv in wholes)
                if (nv.Sum(Complexity) < now) yield return WithValues(c, i, nv);
        }
        if (c.ValueArrays.Sum(v => v.Length) <= 32)
            for (int i = 0; i < specs.Length; i++)
                for (int e = 0; e < c.ValueArrays[i].Length; e++)
                {
                    double v = c.ValueArrays[i][e];
                    foreach (double nvalue in Simple(specs[i]).Append(Round(specs[i], v, 0)).Append(Round(specs[i], v, 1)))
                    {
                        if (Complexity(nvalue) >= Complexity(v)) continue;
                        var nv = (double[])c.ValueArrays[i].Clone();
                        nv[e] = nvalue;
                        yield return WithValues(c, i, nv);
                    }
                }
    }

    /// <summary>
    /// How far a value is from simple: the listed simple values first (0, 1, −1, ...), then
    /// integers, then one decimal, then anything. Shrinking only moves to lower complexity, so it ends.
    /// </summary>
    private static double Complexity(double v)
    {
        int k = Array.IndexOf(s_simple, v);
        if (k >= 0) return k;
        if (v == Math.Round(v)) return 10 + Math.Min(Math.Abs(v), 1e6) / 1e6;
        return v == Math.Round(v, 1) ? 20 : 30;
    }

    private static IEnumerable<double> Simple(InputSpec s) => s_simple.Where(s.Allows).DefaultIfEmpty(Simplest(s));

    private static double Simplest(InputSpec s)
    {
        foreach (double v in s_simple) if (s.Allows(v)) return v;
        double mid = Math.Round((s.Min + s.Max) / 2, 1);
        return s.Allows(mid) ? mid : s.Allows(s.Max) ? s.Max : s.Min;
    }

    private static double Round(InputSpec s, double v, int digits)
    {
        double r = Math.Round(v, digits);
        return s.Allows(r) ? r : v;
    }

    private GradPropertyCase WithDim(GradPropertyCase c, string name, int size, bool fromEnd)
    {
        var dims = new Dictionary<string, int>(c.DimsMap) { [name] = size };
        return Resized(c, dims, c.Ones, fromEnd);
    }

    /// <summary>A case with new dimensions; each input keeps its first (or last) values (shapes only shrink).</summary>
    private GradPropertyCase Resized(GradPropertyCase c, Dictionary<string, int> dims, bool[][] ones, bool fromEnd)
    {
        var shell = new GradPropertyCase(specs, dims, ones, new double[specs.Length][]);
        var values = new double[specs.Length][];
        for (int i = 0; i < specs.Length; i++)
        {
            int n = AutoGrad.Shapes.Numel(shell.ShapeArrays[i]);
            var old = c.ValueArrays[i];
            values[i] = new double[n];
            int skip = fromEnd ? Math.Max(0, old.Length - n) : 0;
            for (int e = 0; e < n; e++) values[i][e] = old.Length == 0 ? Simplest(specs[i]) : old[(skip + e) % old.Length];
        }
        return new GradPropertyCase(specs, dims, ones, values);
    }

    private GradPropertyCase WithValues(GradPropertyCase c, int input, double[] values)
    {
        var all = (double[][])c.ValueArrays.Clone();
        all[input] = values;
        return new GradPropertyCase(specs, c.DimsMap, c.Ones, all);
    }
}
