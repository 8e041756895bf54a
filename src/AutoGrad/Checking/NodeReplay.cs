using AutoGrad.Autograd;
using AutoGrad.Debugging;

namespace AutoGrad.Checking;

/// <summary>
/// Checks one recorded node for <see cref="LocalCheck"/>: replays it on float64 leaf copies of
/// its inputs and gradchecks the replay, which runs the same backward rule as the recorded node.
/// </summary>
internal sealed class NodeReplay
{
    private readonly Node _node;
    private readonly TapeGraph _graph;
    private readonly LocalCheckOptions _o;
    private readonly int _number;
    private Tensor[] _xs = [];
    private Tensor? _finite;
    private GradCheckOptions _full = new(), _fast = new();

    private NodeReplay(Node node, TapeGraph graph, LocalCheckOptions options)
    {
        _node = node;
        _graph = graph;
        _o = options;
        _number = graph.Number(node);
    }

    public static NodeCheck Check(Node node, TapeGraph graph, LocalCheckOptions options) => new NodeReplay(node, graph, options).Run();

    private NodeCheck Skip(string why) => new(_number, _node, NodeCheckStatus.Skipped, NodeCheckMode.None, 0, 0, 0, 0, null, why);

    private NodeCheck Run()
    {
        var inputs = _node.Inputs;
        _xs = new Tensor[inputs.Count];
        bool any = false;
        using (Tape.NoGrad())
            for (int i = 0; i < _xs.Length; i++) _xs[i] = inputs[i].Detach().To(DType.Float64).Clone();
        for (int i = 0; i < _xs.Length; i++)
        {
            _xs[i].RequiresGrad = inputs[i].RequiresGrad;
            any |= inputs[i].RequiresGrad;
        }
        if (!any) return Skip("no input requires grad");

        Tensor y0;
        try
        {
            using (Tape.NoGrad()) y0 = _node.Forward(_xs);
        }
        catch (Exception e)
        {
            return Skip($"the float64 replay threw {e.GetType().Name}: {e.Message}");
        }
        if (y0.DType != DType.Float64)
            return Skip($"the replay returns {y0.DType.Name()} for float64 inputs, so it cannot be checked in float64");
        if (!Shapes.Equal(y0.ShapeArray, _node.OutputShape))
            return Skip($"the replay returned shape {Shapes.Format(y0.ShapeArray)}, but the op recorded {Shapes.Format(_node.OutputShape)}");

        // Output elements that are not finite at the recorded point (log(0) in an untaken Where
        // branch) have no derivative to check; Where sends them an exact zero gradient.
        double maxAbs = 0, sumSq = 0;
        int nonFinite = 0;
        var mask = new double[y0.Numel];
        for (int j = 0; j < mask.Length; j++)
        {
            double v = y0.GetFlat(j);
            if (double.IsFinite(v)) { mask[j] = 1; maxAbs = Math.Max(maxAbs, Math.Abs(v)); sumSq += v * v; }
            else nonFinite++;
        }
        if (nonFinite == mask.Length) return Skip("every output element is non-finite at the recorded inputs");
        if (nonFinite > 0) _finite = Tensor.From(DType.Float64, mask, y0.ShapeArray);

        var baseOptions = new GradCheckOptions { Eps = _o.Eps, Rtol = _o.Rtol, AllowKinks = _o.AllowKinks };
        // Rounding in f(x ± eps) grows with |f|: about |f|·1e-16/eps, so large outputs get a little more room.
        _full = baseOptions with { Atol = _o.Atol ?? 1e-5 + 1e-9 * maxAbs };
        _fast = baseOptions with { Atol = _o.Atol ?? 1e-5 + 1e-9 * Math.Sqrt(sumSq), Fast = true };
        string? note = nonFinite > 0 ? $"{nonFinite} output element{(nonFinite == 1 ? " was" : "s were")} non-finite at the recorded inputs and left out" : null;

        long entries = 0;
        for (int i = 0; i < _xs.Length; i++) if (_xs[i].RequiresGrad) entries += (long)_xs[i].Numel * y0.Numel;
        try
        {
            return entries <= _o.FullJacobianLimit ? Full(note) : Fast(note);
        }
        catch (AutogradException e)
        {
            return new NodeCheck(_number, _node, NodeCheckStatus.Failed, NodeCheckMode.None, 0, 0, 0, 0, null, $"its backward failed: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Skip($"the float64 check threw {e.GetType().Name}: {e.Message}");
        }
    }

    private Tensor F(Tensor[] xs)
    {
        var y = _node.Forward(xs);
        return _finite is null ? y : Tensor.Where(_finite, y, 0.0);
    }

    private NodeCheck Full(string? note)
    {
        var r = GradCheck.Run(F, _xs, _full);
        var (real, undefined) = Split(r.Mismatches);
        int compared = r.EntriesChecked - undefined;
        if (real.Count > 0)
            return new NodeCheck(_number, _node, NodeCheckStatus.Failed, NodeCheckMode.FullJacobian, compared, r.KinksAccepted, undefined, real.Count, Worst(real), note);
        if (compared == 0)
            return Skip("finite differences are undefined at every entry (inputs at the edge of the op's domain)");
        return new NodeCheck(_number, _node, NodeCheckStatus.Passed, NodeCheckMode.FullJacobian, compared, r.KinksAccepted, undefined, 0, null, note);
    }

    private NodeCheck Fast(string? note)
    {
        var (failed, undefined, first) = Projections(_xs, salt: 0);
        if (failed == 0 && undefined == 0)
            return new NodeCheck(_number, _node, NodeCheckStatus.Passed, NodeCheckMode.Fast, _o.Directions, 0, 0, 0, null, note);

        // Name the element: check sampled elements one by one, which also handles kinks element-wise.
        var (sampled, kinks, sampledUndefined, bad) = Sampled();
        int compared = _o.Directions - undefined + sampled;
        if (bad.Count > 0)
            return new NodeCheck(_number, _node, NodeCheckStatus.Failed, NodeCheckMode.Fast, compared, kinks, undefined + sampledUndefined, failed + bad.Count,
                bad.MaxBy(m => m.Error / m.Tolerance), Join(note, $"the worst of {sampled} elements sampled after {failed} of {_o.Directions} random projections disagreed"));
        if (failed > 0)
        {
            // No sampled element disagrees: either the error hides in unsampled elements, or the
            // inputs sit at kinks, where a projection mixes one-sided derivatives. Off the kinks, a
            // right rule agrees again.
            var (againFailed, _, againFirst) = Projections(Jittered(), salt: 1);
            if (againFailed == 0)
                return new NodeCheck(_number, _node, NodeCheckStatus.Passed, NodeCheckMode.Fast, compared, kinks + failed, undefined + sampledUndefined, 0, null,
                    Join(note, "projections disagreed at the recorded inputs, which sit at kinks; they agree at a nearby point and on every sampled element"));
            return new NodeCheck(_number, _node, NodeCheckStatus.Failed, NodeCheckMode.Fast, compared, kinks, undefined + sampledUndefined, failed,
                first ?? againFirst, Join(note, $"{failed} of {_o.Directions} projections disagree (also at a nearby point), but none of {sampled} sampled elements: the error is in elements not sampled"));
        }
        if (sampled == 0) return Skip("finite differences are undefined (inputs at the edge of the op's domain)");
        return new NodeCheck(_number, _node, NodeCheckStatus.Passed, NodeCheckMode.Fast, compared, kinks, undefined + sampledUndefined, 0, null,
            Join(note, "projections were undefined (inputs at the edge of the domain); sampled elements agree"));
    }

    private (int Failed, int Undefined, GradCheckMismatch? First) Projections(Tensor[] xs, int salt)
    {
        int failed = 0, undefined = 0;
        GradCheckMismatch? first = null;
        for (int d = 0; d < _o.Directions; d++)
        {
            ulong seed = _o.Seed + (ulong)_number * 7919UL + (ulong)(salt * _o.Directions + d);
            var r = GradCheck.Run(F, xs, _fast with { Seed = seed });
            if (r.Passed) continue;
            var m = r.Mismatches[0];
            if (!double.IsFinite(m.Numeric)) undefined++;
            else { failed++; first ??= m with { InputDescription = "all inputs along a random direction u, output along a random direction v" }; }
        }
        return (failed, undefined, first);
    }

    /// <summary>
    /// Checks up to <see cref="LocalCheckOptions.SampledElements"/> elements of each input one at a
    /// time against vᵀy for a random unit v: z ↦ vᵀ f(x with the sampled elements replaced by z).
    /// </summary>
    private (int Compared, int Kinks, int Undefined, List<GradCheckMismatch> Bad) Sampled()
    {
        var rng = new Generator(_o.Seed ^ ((ulong)_number * 0x9E3779B97F4A7C15UL));
        var picks = new int[_xs.Length][];
        var zs = new List<Tensor>();
        var owner = new List<int>();
        for (int i = 0; i < _xs.Length; i++)
        {
            if (!_xs[i].RequiresGrad || _xs[i].Numel == 0) continue;
            int n = _xs[i].Numel, k = Math.Min(n, _o.SampledElements);
            var perm = rng.Permutation(n);
            picks[i] = perm[..k];
            Array.Sort(picks[i]);
            zs.Add(Tensor.From(DType.Float64, picks[i].Select(e => _xs[i].GetFlat(e)).ToArray(), k).RequireGrad());
            owner.Add(i);
        }
        var outShape = _node.OutputShape;
        var v = new double[Shapes.Numel(outShape)];
        double norm = 0;
        for (int j = 0; j < v.Length; j++) { v[j] = rng.NextNormal(); norm += v[j] * v[j]; }
        norm = Math.Sqrt(norm);
        for (int j = 0; j < v.Length; j++) v[j] /= norm == 0 ? 1 : norm;
        var vt = Tensor.From(DType.Float64, v, outShape);
        var holes = new Tensor[_xs.Length];
        for (int i = 0; i < _xs.Length; i++)
        {
            if (picks[i] is null) continue;
            var h = _xs[i].Detach().Clone().Reshape([-1]);
            foreach (int e in picks[i]) h.SetFlat(e, 0);
            holes[i] = h;
        }

        Tensor G(Tensor[] z)
        {
            var full = (Tensor[])_xs.Clone();
            for (int s = 0; s < z.Length; s++)
            {
                int i = owner[s];
                full[i] = (holes[i] + z[s].IndexAdd(0, picks[i], _xs[i].Numel)).Reshape(_xs[i].ShapeArray);
            }
            return (F(full) * vt).Sum();
        }

        var r = GradCheck.Run(G, [.. zs], _full);
        var (real, undefined) = Split(r.Mismatches);
        var bad = real.Select(m => Describe(m, owner[m.Input], picks[owner[m.Input]][m.Element[0]], projected: true)).ToList();
        return (r.EntriesChecked - undefined, r.KinksAccepted, undefined, bad);
    }

    /// <summary>The inputs moved off any kink: each checked element by ±(0.5…1)·1e-3·(|x| + 0.01), far more than eps.</summary>
    private Tensor[] Jittered()
    {
        var rng = new Generator(_o.Seed + 0xA5A5A5A5UL + (ulong)_number);
        var r = new Tensor[_xs.Length];
        for (int i = 0; i < _xs.Length; i++)
        {
            if (!_xs[i].RequiresGrad) { r[i] = _xs[i]; continue; }
            var t = _xs[i].Detach().Clone();
            for (int e = 0; e < t.Numel; e++)
            {
                double x = t.GetFlat(e), step = (0.5 + 0.5 * rng.NextDouble()) * 1e-3 * (Math.Abs(x) + 0.01);
                t.SetFlat(e, rng.NextInt(2) == 0 ? x + step : x - step);
            }
            t.RequiresGrad = true;
            r[i] = t;
        }
        return r;
    }

    private static (List<GradCheckMismatch> Real, int Undefined) Split(IReadOnlyList<GradCheckMismatch> mismatches)
    {
        var real = mismatches.Where(m => double.IsFinite(m.Numeric)).ToList();
        return (real, mismatches.Count - real.Count);
    }

    private GradCheckMismatch Worst(List<GradCheckMismatch> real)
    {
        var w = real.MaxBy(m => m.Error / m.Tolerance)!;
        return w with { InputDescription = _graph.Describe(_node.Inputs[w.Input]) };
    }

    private GradCheckMismatch Describe(GradCheckMismatch m, int input, int flat, bool projected)
    {
        var t = _node.Inputs[input];
        return m with
        {
            Input = input,
            InputDescription = _graph.Describe(t) + (projected ? ", output along a random direction v" : ""),
            Element = GradCheck.Unravel(flat, t.ShapeArray),
        };
    }

    private static string Join(string? a, string b) => a is null ? b : $"{a}; {b}";
}
