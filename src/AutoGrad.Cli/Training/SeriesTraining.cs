using System.Globalization;
using AutoGrad.Autograd;
using AutoGrad.Cli.Output;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.Memory;

namespace AutoGrad.Cli.Training;

/// <summary>
/// One-step-ahead forecasting of an embedded series with a recurrent model: windows of the past
/// <c>--window</c> values (sequence to one), mean squared error on values standardized with the
/// training span's mean and deviation, minibatches shuffled by the seed. The error on each test span
/// is reported as ARV, the mean squared error of the forecasts divided by the variance of the whole
/// record (the classic sunspot benchmark's measure; 1 = always predicting the mean), next to the ARV
/// of the persistence forecast x̂_t = x_{t−1}. The last line is
/// <c>test ARV: 1921-1955 0.0912, 1956-1979 0.3120</c>.
/// </summary>
public static class SeriesTraining
{
    /// <summary>A series prepared for a model: the raw record, what the model sees (scaled, perhaps differenced) and how to undo it.</summary>
    public sealed record Prepared(SeriesSpec Spec, TimeSeries Raw, TimeSeries Scaled, SeriesScale Scale, int Window)
    {
        /// <summary>The windows whose targets lie in [from, to], as [N, window, 1] inputs and [N, 1] targets (scaled).</summary>
        public WindowedSeries Windows(double from, double to) => Scaled.Windows(Window, from, to, WindowLayout.Sequence);

        /// <summary>The forecast of the raw value at each window's target from the model's scaled outputs, and the actual raw values.</summary>
        public (double[] Forecast, double[] Actual, double[] Persistence) Levels(WindowedSeries w, float[] outputs)
        {
            var forecast = new double[w.Count];
            var actual = new double[w.Count];
            var persistence = new double[w.Count];
            for (int n = 0; n < w.Count; n++)
            {
                // With differencing, point i of the modelled series is raw[i + 1] − raw[i].
                int raw = w.TargetIndices[n] + (Spec.Differenced ? 1 : 0);
                double predicted = Scale.Invert(outputs[n]);
                forecast[n] = Spec.Differenced ? Raw.Values[raw - 1] + predicted : predicted;
                actual[n] = Raw.Values[raw];
                persistence[n] = Raw.Values[raw - 1];
            }
            return (forecast, actual, persistence);
        }
    }

    /// <summary>Loads and scales the series (the scale is fitted on the training span only).</summary>
    public static Prepared Prepare(SeriesSpec spec, int window, SeriesScale? scale = null)
    {
        var raw = spec.Load();
        var modelled = spec.Differenced
            ? new TimeSeries(raw.Name, raw.Times[1..], Enumerable.Range(1, raw.Count - 1).Select(i => raw.Values[i] - raw.Values[i - 1]).ToArray(), raw.Missing[1..])
            : raw;
        var s = scale ?? SeriesScale.Standardize(modelled.Between(spec.TrainFrom, spec.TrainTo));
        int trainPoints = modelled.Between(spec.TrainFrom, spec.TrainTo).Count;
        if (window >= trainPoints)
            throw new UserError($"--window {window} is too long for {spec.Name}: its training span {spec.TrainLabel} has {trainPoints} points{(spec.Differenced ? " (changes)" : "")}; use --window < {trainPoints}");
        return new Prepared(spec, raw, s.Apply(modelled), s, window);
    }

    public static double Run(TrainOptions o, TextWriter output, bool interactive)
    {
        Kernels.Threading.Threads = o.Threads;
        var spec = SequenceSources.SeriesSpec(o.Dataset);
        var rng = new Generator(o.Seed);
        var data = Prepare(spec, o.Window ?? spec.DefaultWindow);
        var all = data.Windows(spec.TrainFrom, spec.TrainTo);
        // The benchmark trains on the whole training span: a holdout (the latest windows) only when asked for.
        double holdoutFraction = o.Explicit.Contains("--holdout") ? o.Holdout : 0;
        if (o.EarlyStopping > 0 && holdoutFraction == 0)
            throw new UserError("--early-stopping needs a holdout set: on a time series give --holdout a fraction > 0 (there is none by default: the benchmark trains on the whole training span)");
        int held = (int)Math.Round(all.Count * holdoutFraction);
        if (holdoutFraction > 0 && (held < 1 || all.Count - held < 1))
            throw new UserError(string.Create(CultureInfo.InvariantCulture, $"--holdout {o.Holdout} of the {all.Count} training windows of {spec.Name} leaves {all.Count - held} for training and {held} held out; each part needs at least one"));
        var x = all.Inputs.ToDoubleArray();
        var y = all.Targets.ToDoubleArray();
        int w = data.Window, trainCount = all.Count - held;
        ModelSize.Check($"--hidden {o.Hidden[0]}{(o.Layers > 1 ? $" --layers {o.Layers}" : "")}", ModelSize.Recurrent(o.Model, 1, o.Hidden[0], o.Layers, 1), o);
        var model = new SequenceModel(o.Model, SequenceTask.Series, 1, o.Hidden[0], o.Layers, o.Dropout, 1, rng.Fork());
        var tests = spec.Tests.Select(t => data.Windows(t.From, t.To)).ToArray();
        string differenced = spec.Differenced ? ", modelled as the changes x(t) - x(t-1)" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{spec.Name} (embedded, {data.Raw.Count} points{(data.Raw.Filled > 0 ? $", {data.Raw.Filled} missing filled by linear interpolation" : "")}): {trainCount} training windows (targets {all.TargetTimes[0]:0.##}-{all.TargetTimes[trainCount - 1]:0.##}), {held} holdout, test {string.Join(", ", spec.Tests.Select((t, i) => $"{t.Label} ({tests[i].Count})"))}; window {w}{differenced}; model {model.Describe()} ({model.ParameterCount()} parameters), {SequenceTraining.Training(o)}"));

        var loaderRng = rng.Fork();
        int batches = (trainCount + o.BatchSize - 1) / o.BatchSize;
        IEpochReporter reporter = interactive ? new ProgressBarReporter() : new PlainReporter(output);
        TrainingRun run;
        using (var interrupt = Interrupt.Listen())
        run = SequenceTraining.Loop(model, o, reporter, batches, (optimizer, r, loop) =>
        {
            var order = loaderRng.Permutation(trainCount);
            double sum = 0;
            for (int start = 0; start < trainCount; start += o.BatchSize)
            {
                int b = Math.Min(o.BatchSize, trainCount - start);
                var bx = new double[b * w];
                var by = new double[b];
                for (int i = 0; i < b; i++)
                {
                    Array.Copy(x, order[start + i] * w, bx, i * w, w);
                    by[i] = y[order[start + i]];
                }
                using var scope = StepScope.Begin();
                optimizer.ZeroGrad();
                var loss = Loss.SquaredError(model.Forward(Tensor.From(DType.Float32, bx, b, w, 1)), Tensor.From(DType.Float32, by, b, 1));
                sum += loss.Item() * b;
                bool stop = SequenceTraining.Step(model, optimizer, o, loss, loop);
                r.Advance();
                if (stop) break;
            }
            return (sum / trainCount, double.NaN);
        }, held == 0 ? null : () =>
        {
            var hx = Tensor.From(DType.Float32, x[(trainCount * w)..], held, w, 1);
            var hy = y[trainCount..];
            var p = Predict(model, hx);
            double s = 0;
            for (int i = 0; i < held; i++) s += (p[i] - hy[i]) * (p[i] - hy[i]);
            return (s / held, double.NaN);
        }, interrupt);

        var metadata = SequenceTraining.Metadata(model, o);
        metadata["window"] = w.ToString(CultureInfo.InvariantCulture);
        metadata["shift"] = data.Scale.Shift.ToString("R", CultureInfo.InvariantCulture);
        metadata["scale"] = data.Scale.Scale.ToString("R", CultureInfo.InvariantCulture);
        SequenceTraining.Finish(model, run, o, output, metadata);
        return Report(model, data, output);
    }

    /// <summary>The model's outputs on inputs [N, T, 1], in evaluation mode and without the tape.</summary>
    public static float[] Predict(SequenceModel model, Tensor inputs)
    {
        bool training = model.IsTraining;
        model.Eval();
        try
        {
            using var scope = StepScope.Begin();
            using (Tape.NoGrad()) return model.Forward(inputs).ToFloatArray();
        }
        finally { model.Train(training); }
    }

    /// <summary>Prints each test span's ARV, RMSE and persistence ARV, then the line <c>test ARV: SPAN V, ...</c>; returns the first span's ARV.</summary>
    public static double Report(SequenceModel model, Prepared data, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var arvs = new List<(string Label, double Arv)>();
        foreach (var span in data.Spec.Tests)
        {
            var windows = data.Windows(span.From, span.To);
            var (forecast, actual, persistence) = data.Levels(windows, Predict(model, windows.Inputs));
            double arv = Metrics.Arv(forecast, actual, data.Raw.Variance);
            double rmse = Math.Sqrt(arv * data.Raw.Variance);
            double naive = Metrics.Arv(persistence, actual, data.Raw.Variance);
            output.WriteLine(string.Format(c, "{0}: {1} one-step forecasts, ARV {2}, RMSE {3:F3} {4} (persistence x(t-1): ARV {5}, RMSE {6:F3})",
                span.Label, windows.Count, FormatArv(arv), rmse, data.Spec.Unit, FormatArv(naive), Math.Sqrt(naive * data.Raw.Variance)));
            arvs.Add((span.Label, arv));
        }
        output.WriteLine("test ARV: " + string.Join(", ", arvs.Select(a => $"{a.Label} {FormatArv(a.Arv)}")));
        return arvs[0].Arv;
    }

    /// <summary>An ARV with 4 decimals, or 3 significant digits below 0.01 (CO₂'s are small: the trend dominates the record's variance).</summary>
    public static string FormatArv(double arv) => arv.ToString(arv >= 0.01 ? "F4" : "G3", CultureInfo.InvariantCulture);
}
