using AutoGrad.Autograd;

namespace AutoGrad.Checking;

/// <summary>
/// Compares the tape's gradients with central finite differences computed in float64, even when
/// the function runs in float32: d f/d x ≈ (f(x + h) − f(x − h)) / 2h. An entry passes when
/// |analytic − numeric| ≤ atol + rtol·|numeric|. At kinks (relu or abs at 0, max ties) the
/// one-sided differences disagree; there any analytic value between them is accepted.
/// </summary>
/// <remarks>
/// The function must be built from tensor ops and work in float64 as well as in the inputs'
/// dtype (create constants with <c>x.DType</c>, or use scalar arithmetic such as <c>x * 2</c>).
/// Inputs with <see cref="Tensor.RequiresGrad"/> are checked; the others are held constant.
/// The inputs themselves are never modified and their <see cref="Tensor.Grad"/> is untouched.
/// </remarks>
public static class GradCheck
{
    /// <summary>Checks f at the given inputs and returns the result.</summary>
    /// <exception cref="ArgumentException">No input requires grad, or there are no inputs.</exception>
    public static GradCheckResult Run(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new GradCheckOptions();
        var check = new bool[inputs.Length];
        bool any = false;
        DType analyticType = DType.Float64;
        for (int i = 0; i < inputs.Length; i++)
        {
            check[i] = inputs[i].RequiresGrad;
            any |= check[i];
            if (check[i] && inputs[i].DType == DType.Float32) analyticType = DType.Float32;
        }
        if (!any) throw new ArgumentException("GradCheck: no input has RequiresGrad = true, so there is nothing to check", nameof(inputs));
        var (dEps, dAtol, dRtol) = GradCheckOptions.Defaults(analyticType);
        double eps = options.Eps ?? dEps, atol = options.Atol ?? dAtol, rtol = options.Rtol ?? dRtol;
        Guard.Positive("GradCheck", "Eps", eps);
        var ctx = new Context(f, inputs, check, eps, atol, rtol, options.AllowKinks, options.Forward);
        return options.Fast ? ctx.RunFast(options.Seed) : ctx.RunFull();
    }

    /// <summary>Checks a function of one tensor.</summary>
    public static GradCheckResult Run(Func<Tensor, Tensor> f, Tensor input, GradCheckOptions? options = null) =>
        Run(xs => f(xs[0]), [input], options);

    /// <summary>Checks f and throws a <see cref="GradCheckException"/> with a readable report if it fails.</summary>
    /// <exception cref="GradCheckException">Tape and finite differences disagree.</exception>
    public static void Assert(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        var r = Run(f, inputs, options);
        if (!r.Passed) throw new GradCheckException(r);
    }

    /// <summary>Checks a function of one tensor and throws if it fails.</summary>
    /// <exception cref="GradCheckException">Tape and finite differences disagree.</exception>
    public static void Assert(Func<Tensor, Tensor> f, Tensor input, GradCheckOptions? options = null) =>
        Assert(xs => f(xs[0]), [input], options);

    private sealed class Context(Func<Tensor[], Tensor> f, Tensor[] inputs, bool[] check, double eps, double atol, double rtol, bool allowKinks, bool forward)
    {
        private readonly List<GradCheckMismatch> _mismatches = [];
        private int _entries, _kinks;

        /// <summary>Leaf copies in the inputs' own dtypes, for the tape.</summary>
        private Tensor[] AnalyticInputs()
        {
            var r = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                r[i] = inputs[i].Detach().Clone();
                r[i].RequiresGrad = check[i];
            }
            return r;
        }

        /// <summary>Float64 leaf copies for finite differences.</summary>
        private Tensor[] NumericInputs()
        {
            var r = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                using (Tape.NoGrad()) r[i] = inputs[i].Detach().To(DType.Float64).Clone();
            return r;
        }

        private double[] Evaluate(Tensor[] xs)
        {
            using var _ = Tape.NoGrad();
            Tensor y;
            try { y = f(xs); }
            catch (ArgumentException e) when (e is not ShapeException)
            {
                throw new ArgumentException(
                    "GradCheck evaluates the function again in float64 for finite differences, and it failed there: " + e.Message +
                    " (create constants with the input's dtype, e.g. Tensor.Full(v, x.DType, ...), or use scalar arithmetic like x * 2)", e);
            }
            return y.ToDoubleArray();
        }

        private Tensor Output(Tensor[] xs)
        {
            var y = f(xs);
            return y;
        }

        public GradCheckResult RunFull()
        {
            var ax = AnalyticInputs();
            var y = Output(ax);
            int ny = y.Numel;
            // analytic[i][e * ny + j] = d y_j / d x_i[e]
            var analytic = new double[inputs.Length][];
            for (int i = 0; i < inputs.Length; i++) if (check[i]) analytic[i] = new double[inputs[i].Numel * ny];
            if (y.RequiresGrad)
            {
                for (int j = 0; j < ny; j++)
                {
                    foreach (var a in ax) a.Grad = null;
                    var seed = Tensor.Zeros(y.DType, y.ShapeArray);
                    seed.SetFlat(j, 1);
                    Tape.Backward(y, seed, retainGraph: true);
                    for (int i = 0; i < inputs.Length; i++)
                    {
                        if (!check[i] || ax[i].Grad is null) continue;
                        var g = ax[i].Grad!.ToDoubleArray();
                        for (int e = 0; e < g.Length; e++) analytic[i][e * ny + j] = g[e];
                    }
                }
            }

            // forwardCols[i][e * ny + j] = (J·eₑ)_j from dual tensors, eₑ the basis vector of element e of input i
            var forwardCols = forward ? ForwardColumns(ny) : null;

            var nx = NumericInputs();
            var f0 = Evaluate(nx);
            if (f0.Length != ny)
                throw new InvalidOperationException($"GradCheck: the function returned {ny} elements in {y.DType.Name()} but {f0.Length} in float64");
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!check[i]) continue;
                var data = nx[i].SpanD;
                for (int e = 0; e < data.Length; e++)
                {
                    double v = data[e];
                    data[e] = v + eps;
                    var fp = Evaluate(nx);
                    data[e] = v - eps;
                    var fm = Evaluate(nx);
                    data[e] = v;
                    for (int j = 0; j < ny; j++)
                    {
                        Compare(i, e, j, y.ShapeArray, analytic[i][e * ny + j], fp[j], fm[j], f0[j]);
                        if (forwardCols is not null) Compare(i, e, j, y.ShapeArray, forwardCols[i][e * ny + j], fp[j], fm[j], f0[j], isForward: true);
                    }
                }
            }
            return new GradCheckResult(_mismatches, _entries, _kinks, eps, atol, rtol, fast: false);
        }

        /// <summary>Plain copies (no grad) in the inputs' dtypes, for forward mode.</summary>
        private Tensor[] ForwardInputs() => [.. inputs.Select(x => x.Detach().Clone())];

        private double[][] ForwardColumns(int ny)
        {
            var cols = new double[inputs.Length][];
            var xs = ForwardInputs();
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!check[i]) continue;
                cols[i] = new double[inputs[i].Numel * ny];
                for (int e = 0; e < inputs[i].Numel; e++)
                {
                    var tangents = xs.Select(Tensor.ZerosLike).ToArray();
                    tangents[i].SetFlat(e, 1);
                    var t = Derivatives.Jvp(f, xs, tangents).Tangent.ToDoubleArray();
                    for (int j = 0; j < ny; j++) cols[i][e * ny + j] = t[j];
                }
            }
            return cols;
        }

        public GradCheckResult RunFast(ulong seed)
        {
            var rng = new Generator(seed);
            var ax = AnalyticInputs();
            var y = Output(ax);
            var v = Unit(rng, y.Numel);
            var u = new double[inputs.Length][];
            double norm = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!check[i]) continue;
                u[i] = new double[inputs[i].Numel];
                for (int e = 0; e < u[i].Length; e++) { u[i][e] = rng.NextNormal(); norm += u[i][e] * u[i][e]; }
            }
            norm = Math.Sqrt(norm);
            for (int i = 0; i < inputs.Length; i++) if (check[i]) for (int e = 0; e < u[i].Length; e++) u[i][e] /= norm == 0 ? 1 : norm;

            double analytic = 0;
            if (y.RequiresGrad)
            {
                var seedT = Tensor.Zeros(y.DType, y.ShapeArray);
                for (int j = 0; j < v.Length; j++) seedT.SetFlat(j, v[j]);
                Tape.Backward(y, seedT);
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (!check[i] || ax[i].Grad is null) continue;
                    var g = ax[i].Grad!.ToDoubleArray();
                    for (int e = 0; e < g.Length; e++) analytic += g[e] * u[i][e];
                }
            }

            double forwardAnalytic = 0;
            if (forward)
            {
                var xs = ForwardInputs();
                var tangents = new Tensor[inputs.Length];
                for (int i = 0; i < inputs.Length; i++)
                {
                    tangents[i] = Tensor.ZerosLike(xs[i]);
                    if (check[i]) for (int e = 0; e < u[i].Length; e++) tangents[i].SetFlat(e, u[i][e]);
                }
                var t = Derivatives.Jvp(f, xs, tangents).Tangent.ToDoubleArray();
                for (int j = 0; j < v.Length; j++) forwardAnalytic += t[j] * v[j];
            }

            var nx = NumericInputs();
            var baseVals = new double[inputs.Length][];
            for (int i = 0; i < inputs.Length; i++) baseVals[i] = nx[i].SpanD.ToArray();
            double Project(double t)
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (!check[i]) continue;
                    var d = nx[i].SpanD;
                    for (int e = 0; e < d.Length; e++) d[e] = baseVals[i][e] + t * u[i][e];
                }
                var fy = Evaluate(nx);
                double s = 0;
                for (int j = 0; j < fy.Length; j++) s += fy[j] * v[j];
                return s;
            }
            double p = Project(eps), m = Project(-eps), z = Project(0);
            Compare(-1, -1, -1, y.ShapeArray, analytic, p, m, z);
            if (forward) Compare(-1, -1, -1, y.ShapeArray, forwardAnalytic, p, m, z, isForward: true);
            return new GradCheckResult(_mismatches, _entries, _kinks, eps, atol, rtol, fast: true);
        }

        private static double[] Unit(Generator rng, int n)
        {
            var v = new double[n];
            double s = 0;
            for (int i = 0; i < n; i++) { v[i] = rng.NextNormal(); s += v[i] * v[i]; }
            s = Math.Sqrt(s);
            for (int i = 0; i < n; i++) v[i] /= s == 0 ? 1 : s;
            return v;
        }

        private void Compare(int input, int element, int output, int[] outShape, double analytic, double fp, double fm, double f0, bool isForward = false)
        {
            _entries++;
            double numeric = (fp - fm) / (2 * eps);
            double tol = atol + rtol * Math.Abs(numeric);
            if (Math.Abs(analytic - numeric) <= tol || (double.IsNaN(analytic) && double.IsNaN(numeric))) return;
            if (allowKinks)
            {
                double right = (fp - f0) / eps, left = (f0 - fm) / eps;
                double ktol = atol + rtol * Math.Max(Math.Abs(left), Math.Abs(right));
                if (Math.Abs(right - left) > ktol &&
                    analytic >= Math.Min(left, right) - ktol && analytic <= Math.Max(left, right) + ktol)
                {
                    _kinks++;
                    return;
                }
            }
            int[] elem = input < 0 ? [] : Unravel(element, inputs[input].ShapeArray);
            int[] outIdx = output < 0 || outShape.Length == 0 ? [] : Unravel(output, outShape);
            string desc = input < 0 ? "all inputs, random direction" : Node.Describe(inputs[input]);
            _mismatches.Add(new GradCheckMismatch(input, desc, elem, outIdx, numeric, analytic, tol, isForward));
        }
    }

    internal static int[] Unravel(int flat, int[] shape)
    {
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) break;
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
