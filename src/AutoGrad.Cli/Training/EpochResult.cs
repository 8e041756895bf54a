namespace AutoGrad.Cli.Training;

/// <summary>One epoch's metrics: mean training loss and accuracy over its batches, and the holdout's (if any).</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double? HoldoutLoss, double? HoldoutAccuracy, double Seconds);
