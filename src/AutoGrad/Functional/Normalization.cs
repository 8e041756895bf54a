using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

// Batch normalization in training is one fused primitive (batch_norm, Ops/Norm/BatchNorm.cs) plus
// the shift; in evaluation, and layer normalization, are compositions of mean, sub, mul, pow and
// the broadcasting ops, so their gradients (and second derivatives) come from those primitives.
// Variances are computed from the centred values (two passes), which stays accurate when the
// mean is large against the spread.
public sealed partial class Tensor
{
    /// <summary>
    /// Batch normalization of [N, C], [N, C, L] or [N, C, H, W] (any [N, C, ...]) per channel c, as
    /// <c>torch.nn.functional.batch_norm</c>: y = (x − μ_c)/√(σ²_c + eps)·γ_c + β_c. In training μ
    /// and σ² are the batch's mean and biased variance over every dimension but 1, and the running
    /// statistics (if given) are updated in place, outside the tape:
    /// running_mean ← (1 − momentum)·running_mean + momentum·μ and
    /// running_var ← (1 − momentum)·running_var + momentum·σ²·n/(n − 1) (the unbiased variance, n
    /// values per channel). In evaluation μ and σ² are the running statistics. In training the
    /// gradient flows through μ and σ² too (the fused batch_norm op); in evaluation they are constants.
    /// </summary>
    /// <param name="input">[N, C, ...].</param>
    /// <param name="runningMean">[C] running means, or null (training only).</param>
    /// <param name="runningVar">[C] running variances, or null (training only).</param>
    /// <param name="weight">[C] scale γ, or null for 1.</param>
    /// <param name="bias">[C] shift β, or null for 0.</param>
    /// <param name="training">Batch statistics (and the running update) when true; running statistics when false.</param>
    /// <param name="momentum">Weight of the batch statistic in the running update, in [0, 1].</param>
    /// <param name="eps">Added to the variance, ≥ 0.</param>
    /// <param name="file">Caller's file (filled in by the compiler).</param>
    /// <param name="line">Caller's line (filled in by the compiler).</param>
    /// <exception cref="ShapeException">The input has rank below 2, a [C] tensor has another shape, or training has 1 value per channel.</exception>
    /// <exception cref="ArgumentException">Dtypes differ, evaluation lacks running statistics, only one of them is given, or a running statistic requires grad.</exception>
    /// <exception cref="ArgumentOutOfRangeException">momentum is outside [0, 1] or eps is negative.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "batch_norm";
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2) throw ShapeErrors.RankTooLow(op, input.ShapeArray, 2, "batch_norm of [N, C, ...]");
        Guard.InRange(op, nameof(momentum), momentum, 0, 1);
        Guard.NonNegativeNumber(op, nameof(eps), eps);
        CheckChannels(op, nameof(runningMean), runningMean, input);
        CheckChannels(op, nameof(runningVar), runningVar, input);
        CheckChannels(op, nameof(weight), weight, input);
        CheckChannels(op, nameof(bias), bias, input);
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException($"{op}: runningMean and runningVar must be given together (got only {(runningMean is null ? "runningVar" : "runningMean")})");
        if (!training && runningMean is null)
            throw new ArgumentException($"{op}: evaluation (training: false) normalizes with runningMean and runningVar, but both are null; pass them, or training: true for batch statistics");
        int channels = input.ShapeArray[1];
        int n = channels == 0 ? 0 : input.Numel / channels;
        if (training && n <= 1) throw ShapeErrors.OneValuePerChannel(op, input.ShapeArray);
        if (training)
        {
            CheckUpdatable(op, nameof(runningMean), runningMean);
            CheckUpdatable(op, nameof(runningVar), runningVar);
        }

        using var _ = SourceSite.Enter(op, file, line);
        // [1, C, 1, ...], to broadcast the [C] tensors.
        Span<int> stat = stackalloc int[input.Rank];
        for (int d = 0; d < input.Rank; d++) stat[d] = d == 1 ? channels : 1;
        var statShape = Shapes.Keep(stat);

        if (training)
        {
            // One fused op for the statistics, the normalization and γ (Ops/Norm/BatchNorm.cs).
            var (normalized, stats) = BatchNormNode.Apply(input, weight, eps, "", 0);
            if (runningMean is not null)
                Launch.Run(new RunningStatsLaunch(runningMean, runningVar!, stats, momentum, n / (n - 1.0)), stats, runningMean, runningVar);
            return bias is null ? normalized : normalized + bias.Reshape(statShape);
        }
        var centred = input - runningMean!.Reshape(statShape);
        var inv = (runningVar!.Reshape(statShape) + eps).Pow(-0.5);
        // γ folds into the [1, C, 1, ...] factor, so the full-size tensor is multiplied once.
        var y = centred * (weight is null ? inv : inv * weight.Reshape(statShape));
        return bias is null ? y : y + bias.Reshape(statShape);
    }

    /// <summary>
    /// Layer normalization over the last dimensions, as <c>torch.nn.functional.layer_norm</c>:
    /// y = (x − μ)/√(σ² + eps)·γ + β with μ and σ² the mean and biased variance over the trailing
    /// dimensions that equal <paramref name="normalizedShape"/>, separately for every position of
    /// the leading ones; γ and β have shape normalizedShape. The gradient is that of the composition.
    /// </summary>
    /// <param name="normalizedShape">The trailing dimensions to normalize over (at least one).</param>
    /// <param name="weight">Elementwise scale γ of shape normalizedShape, or null for 1.</param>
    /// <param name="bias">Elementwise shift β of shape normalizedShape, or null for 0.</param>
    /// <param name="eps">Added to the variance, ≥ 0.</param>
    /// <param name="file">Caller's file (filled in by the compiler).</param>
    /// <param name="line">Caller's line (filled in by the compiler).</param>
    /// <exception cref="ShapeException">The input's trailing dimensions are not normalizedShape, or weight or bias has another shape.</exception>
    /// <exception cref="ArgumentException">normalizedShape is empty, or dtypes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">eps is negative.</exception>
    public Tensor LayerNorm(ReadOnlySpan<int> normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        const string op = "layer_norm";
        if (normalizedShape.IsEmpty) throw new ArgumentException($"{op}: normalizedShape is empty; give the trailing dimensions to normalize over (at least one)", nameof(normalizedShape));
        Guard.NonNegativeNumber(op, nameof(eps), eps);
        int k = normalizedShape.Length;
        string what = $"normalizedShape {Shapes.Format(normalizedShape)}";
        string rule = $"the input's last {k} dimension{(k == 1 ? "" : "s")} must equal normalizedShape";
        if (Rank < k) throw ShapeErrors.NormShape(op, ShapeArray, what, ShapeErrors.Ranks(Rank, k), rule);
        for (int i = 0; i < k; i++)
            if (ShapeArray[Rank - k + i] != normalizedShape[i])
                throw ShapeErrors.NormShape(op, ShapeArray, what, ShapeErrors.At(Rank - k + i, "the input", i, "normalizedShape", ShapeArray[Rank - k + i], normalizedShape[i], alwaysNamed: true), rule);
        CheckAffine(op, nameof(weight), weight, this, normalizedShape);
        CheckAffine(op, nameof(bias), bias, this, normalizedShape);

        using var _ = SourceSite.Enter(op, file, line);
        Span<int> ax = stackalloc int[k];
        for (int i = 0; i < k; i++) ax[i] = Rank - k + i;
        var axes = Shapes.Keep(ax);
        var centred = this - Mean(axes, keepDim: true);
        var y = centred * ((centred * centred).Mean(axes, keepDim: true) + eps).Pow(-0.5);
        if (weight is not null) y = y * weight;
        return bias is null ? y : y + bias;
    }

    private static void CheckChannels(string op, string argument, Tensor? t, Tensor input)
    {
        if (t is null) return;
        Guard.SameDType(op, input, t);
        int c = input.ShapeArray[1];
        if (t.Rank != 1 || t.ShapeArray[0] != c)
            throw ShapeErrors.WrongShape(op, argument, t.ShapeArray, $"input {Shapes.Format(input.ShapeArray)} with {c} channels",
                t.Rank != 1 ? ShapeErrors.Ranks(t.Rank, 1) : ShapeErrors.At(0, argument, 1, "the input", t.ShapeArray[0], c), $"[{c}]");
    }

    private static void CheckUpdatable(string op, string argument, Tensor? t)
    {
        if (t is not null && t.RequiresGrad)
            throw new ArgumentException($"{op}: {argument} {Shapes.Format(t.ShapeArray)} requires grad, but training updates it in place outside the tape; pass a tensor that does not (a module buffer)", argument);
    }

    private static void CheckAffine(string op, string argument, Tensor? t, Tensor input, ReadOnlySpan<int> normalizedShape)
    {
        if (t is null) return;
        Guard.SameDType(op, input, t);
        if (!Shapes.Equal(t.ShapeArray, normalizedShape))
            throw ShapeErrors.WrongShape(op, argument, t.ShapeArray, $"normalizedShape {Shapes.Format(normalizedShape)}",
                ShapeErrors.FirstDifference(t.ShapeArray, normalizedShape), Shapes.Format(normalizedShape));
    }

    /// <summary>
    /// The running-statistics update of batch normalization from the batch's [2, C] statistics
    /// (means, then biased variances): a step action outside the tape, so a captured step replays
    /// it after the replayed forward has recomputed the statistics.
    /// </summary>
    private readonly struct RunningStatsLaunch(Tensor runningMean, Tensor runningVar, Tensor stats, double momentum, double unbias) : ILaunch
    {
        public void Run()
        {
            runningMean.Storage.Version++;
            runningVar.Storage.Version++;
            int c = runningMean.Numel;
            if (stats.DType == DType.Float32)
            {
                Update<float>(runningMean.SpanF, stats.SpanF[..c], momentum, 1);
                Update<float>(runningVar.SpanF, stats.SpanF[c..], momentum, unbias);
            }
            else
            {
                Update<double>(runningMean.SpanD, stats.SpanD[..c], momentum, 1);
                Update<double>(runningVar.SpanD, stats.SpanD[c..], momentum, unbias);
            }
        }

        private static void Update<T>(Span<T> running, ReadOnlySpan<T> batch, double momentum, double scale) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            for (int i = 0; i < running.Length; i++)
                running[i] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(running[i]) + momentum * scale * double.CreateTruncating(batch[i]));
        }
    }
}
