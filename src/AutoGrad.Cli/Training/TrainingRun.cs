using AutoGrad.Optim;

namespace AutoGrad.Cli.Training;

/// <summary>What a training loop hands back: the per-epoch metrics, the optimizer (whose state a checkpoint keeps) and, if a signal stopped it, where.</summary>
public sealed record TrainingRun(List<EpochResult> History, Optimizer Optimizer, InterruptedRun? Interrupted = null);
