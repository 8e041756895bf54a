using System.Globalization;

namespace AutoGrad.Training;

/// <summary>
/// Training diverged: a <see cref="DivergenceGuard"/> saw a non-finite loss, or a parameter that
/// became non-finite after an optimizer step. It says where (<see cref="Epoch"/>,
/// <see cref="Step"/>), what (<see cref="Kind"/>, <see cref="Value"/>, <see cref="Parameter"/>)
/// and the last finite loss before it, so a training program can report the failure instead of
/// going on with NaN weights (and saving them as if they were a model).
/// </summary>
public sealed class DivergenceException : ArithmeticException
{
    internal DivergenceException(DivergenceKind kind, int epoch, int step, long totalSteps, double value, double? lastFiniteLoss,
        int lastFiniteEpoch, int lastFiniteStep, string? parameter, int nonFiniteCount)
        : base(Describe(kind, epoch, step, value, lastFiniteLoss, lastFiniteEpoch, lastFiniteStep, parameter, nonFiniteCount))
    {
        Kind = kind;
        Epoch = epoch;
        Step = step;
        TotalSteps = totalSteps;
        Value = value;
        LastFiniteLoss = lastFiniteLoss;
        LastFiniteEpoch = lastFiniteEpoch;
        LastFiniteStep = lastFiniteStep;
        Parameter = parameter;
        NonFiniteCount = nonFiniteCount;
    }

    /// <summary>A non-finite loss, or a non-finite parameter after the step.</summary>
    public DivergenceKind Kind { get; }

    /// <summary>The epoch of the step, as given to <see cref="DivergenceGuard.BeginEpoch"/>; 0 if none was.</summary>
    public int Epoch { get; }

    /// <summary>The step within the epoch, counting from 1.</summary>
    public int Step { get; }

    /// <summary>The step counting from the first one the guard saw, from 1.</summary>
    public long TotalSteps { get; }

    /// <summary>The offending value: the loss (<see cref="DivergenceKind.Loss"/>) or the parameter's first non-finite element.</summary>
    public double Value { get; }

    /// <summary>The last finite loss the guard saw (the loss of this step for <see cref="DivergenceKind.Parameter"/>); null if none.</summary>
    public double? LastFiniteLoss { get; }

    /// <summary>The epoch of <see cref="LastFiniteLoss"/> (0 if none).</summary>
    public int LastFiniteEpoch { get; }

    /// <summary>The step within its epoch of <see cref="LastFiniteLoss"/> (0 if none).</summary>
    public int LastFiniteStep { get; }

    /// <summary>For <see cref="DivergenceKind.Parameter"/>: the parameter's name (its dotted name in the model, or its index).</summary>
    public string? Parameter { get; }

    /// <summary>For <see cref="DivergenceKind.Parameter"/>: how many of its elements are non-finite.</summary>
    public int NonFiniteCount { get; }

    /// <summary>"epoch 3, step 17" (or "step 17" without epochs).</summary>
    public static string Where(int epoch, int step) =>
        epoch > 0 ? string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}, step {step}") : string.Create(CultureInfo.InvariantCulture, $"step {step}");

    /// <summary>A loss as it is reported: up to 4 decimals, exponent notation for very large or small values, NaN, inf and -inf as anomaly mode writes them.</summary>
    public static string Number(double v) =>
        double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" :
        double.IsFinite(v) && v != 0 && (Math.Abs(v) >= 1e6 || Math.Abs(v) < 1e-4) ? v.ToString("G4", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>What was found, with the last finite loss: "the loss is NaN (the last finite loss was 2.301, at epoch 1, step 3)".</summary>
    public string Finding => FindingText(Kind, Value, LastFiniteLoss, LastFiniteEpoch, LastFiniteStep, Parameter, NonFiniteCount);

    private static string FindingText(DivergenceKind kind, double value, double? last, int lastEpoch, int lastStep, string? parameter, int count) =>
        kind == DivergenceKind.Loss
            ? $"the loss is {Number(value)} ({(last is double l ? $"the last finite loss was {Number(l)}, at {Where(lastEpoch, lastStep)}" : "no step before it had a finite loss")})"
            : string.Create(CultureInfo.InvariantCulture, $"parameter '{parameter}' has {count} non-finite value{(count == 1 ? "" : "s")} (the first is {Number(value)}) after the optimizer step, whose loss was {(last is double l2 ? Number(l2) : "not given")}");

    private static string Describe(DivergenceKind kind, int epoch, int step, double value, double? last, int lastEpoch, int lastStep, string? parameter, int count) =>
        $"training diverged at {Where(epoch, step)}: {FindingText(kind, value, last, lastEpoch, lastStep, parameter, count)}. Lower the learning rate, clip the gradients (GradientClipping.ClipByNorm), "
        + "or run the step in anomaly mode (using (Anomaly.Detect()) { ... }) to find the op that first produced a non-finite value";
}
