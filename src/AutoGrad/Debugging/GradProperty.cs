using AutoGrad.Checking;

namespace AutoGrad.Debugging;

/// <summary>
/// Turns "this function of these inputs has the right gradient" into a property test: random
/// shapes and values drawn from the domains the caller states, a float64 gradient check of each
/// case, shrinking of a failure to a small, simple case, and a seed that replays it. No test
/// framework needed; call <see cref="Assert"/> from any test.
/// </summary>
/// <remarks>
/// <para>Determinism: a seed fixes the whole run. Case k is drawn from its own seed
/// c_k (c_0 = the run's seed, c_{k+1} = SplitMix64(c_k)), so the report's
/// <see cref="GradPropertyReport.FailingCaseSeed"/>, passed as the seed, draws the failing
/// case first. Without a seed, a random one is chosen and printed in the report.</para>
/// <para>Shrinking tries, in order: each named dimension at its minimum and one smaller; each
/// broadcastable dimension at 1; each input's values all at the simplest value of their domain
/// (0, 1, −1, 0.5, ...), rounded to integers, rounded to one decimal; then single values of
/// small cases. A candidate is kept when it fails the same way (a gradient mismatch, or the same
/// exception type), until no candidate fails or <see cref="GradPropertyOptions.MaxShrinkTries"/>
/// candidates have been tried.</para>
/// </remarks>
/// <example>
/// <code>
/// [Fact]
/// public void HuberLossHasTheRightGradient() =>
///     GradProperty.Assert(xs => Huber(xs[0], xs[1]),
///         [InputSpec.Of("n, d"), InputSpec.Of("n, d").Constant()], cases: 50, seed: 1);
/// </code>
/// </example>
public static class GradProperty
{
    /// <summary>Checks <paramref name="f"/> on <paramref name="cases"/> random cases and returns the report.</summary>
    /// <param name="f">The function to check; it must work on float64 inputs.</param>
    /// <param name="specs">One spec per input of f.</param>
    /// <param name="cases">How many cases to draw.</param>
    /// <param name="seed">Fixes the cases; null picks a random seed (printed in the report).</param>
    /// <param name="options">Dimension sizes, shrinking budget and gradcheck tolerances.</param>
    /// <exception cref="ArgumentException">No spec, a spec with a bad shape or domain, or no differentiable input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">cases is not positive, or an option is out of range.</exception>
    public static GradPropertyReport Check(Func<Tensor[], Tensor> f, InputSpec[] specs, int cases = 100, ulong? seed = null, GradPropertyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(specs);
        AutoGrad.Check.Positive("GradProperty", nameof(cases), cases);
        options ??= new GradPropertyOptions();
        options.Validate();
        if (specs.Length == 0) throw new ArgumentException("GradProperty: no input specs given", nameof(specs));
        for (int i = 0; i < specs.Length; i++)
        {
            if (specs[i] is null) throw new ArgumentException($"GradProperty: spec {i} is null", nameof(specs));
            specs[i].Validate(i);
        }
        if (!specs.Any(s => s.Differentiable))
            throw new ArgumentException("GradProperty: every input is Constant(), so there is no gradient to check", nameof(specs));

        var run = new Run(f, specs, options);
        ulong s = seed ?? (ulong)Random.Shared.NextInt64();
        var report = new GradPropertyReport(0, s);
        ulong c = s;
        for (int k = 0; k < cases; k++, c = Next(c))
        {
            report.CasesRun = k + 1;
            var drawn = run.Draw(c);
            var outcome = run.Evaluate(drawn);
            if (outcome is null) continue;
            var (shrunk, steps, final) = run.Shrink(drawn, outcome.Value);
            report.FailingCaseIndex = k;
            report.FailingCaseSeed = c;
            report.Original = drawn;
            report.Shrunk = shrunk;
            report.ShrinkSteps = steps;
            report.Result = final.Result;
            report.Failure = final.Message;
            return report;
        }
        return report;
    }

    /// <summary>Runs <see cref="Check"/> and throws when a case fails.</summary>
    /// <exception cref="GradPropertyException">A case failed; the message has the shrunk case and the replay seed.</exception>
    public static void Assert(Func<Tensor[], Tensor> f, InputSpec[] specs, int cases = 100, ulong? seed = null, GradPropertyOptions? options = null)
    {
        var report = Check(f, specs, cases, seed, options);
        if (!report.Passed) throw new GradPropertyException(report);
    }

    /// <summary>The next case seed: one SplitMix64 step.</summary>
    internal static ulong Next(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>How a case failed: the kind (to shrink toward the same failure), the message, and the gradcheck result if any.</summary>
    private readonly record struct Outcome(string Kind, string Message, GradCheckResult? Result);

    private sealed class Run(Func<Tensor[], Tensor> f, InputSpec[] specs, GradPropertyOptions options)
    {
        private static readonly double[] s_simple = [0, 1, -1, 0.5, -0.5, 2, -2, 0.25, -0.25];
        private readonly (string? Name, int Size, bool Broadcast)[][] _parsed = specs.Select((s, i) => s.ParseShape(i)).ToArray();
        private readonly List<string> _names = specs.SelectMany((s, i) => s.ParseShape(i)).Where(d => d.Name is not null).Select(d => d.Name!).Distinct().ToList();

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

        public Outcome? Evaluate(GradPropertyCase c)
        {
            try
            {
                var r = GradCheck.Run(f, c.Inputs(), options.GradCheck);
                return r.Passed ? null : new Outcome("mismatch", r.ToString(), r);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new Outcome(e.GetType().FullName!, $"the function threw {e.GetType().Name}: {e.Message}", null);
            }
        }

        public (GradPropertyCase Case, int Steps, Outcome Outcome) Shrink(GradPropertyCase c, Outcome outcome)
        {
            int steps = 0, tries = 0;
            bool progress = true;
            while (progress && tries < options.MaxShrinkTries)
            {
                progress = false;
                foreach (var candidate in Candidates(c))
                {
                    if (++tries > options.MaxShrinkTries) break;
                    var o = Evaluate(candidate);
                    if (o is null || o.Value.Kind != outcome.Kind) continue;
                    c = candidate;
                    outcome = o.Value;
                    steps++;
                    progress = true;
                    break;
                }
            }
            return (c, steps, outcome);
        }

        private IEnumerable<GradPropertyCase> Candidates(GradPropertyCase c)
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
}
