namespace AutoGrad.Cli.Training;

/// <summary>Where a signal stopped training, and which epoch's model the run kept.</summary>
/// <param name="Signal">"SIGINT" or "SIGTERM".</param>
/// <param name="ExitCode">130 or 143.</param>
/// <param name="Epoch">The epoch that was running (or had just ended, when <paramref name="MidEpoch"/> is false).</param>
/// <param name="Step">The last step that ran in that epoch (the one that was running when the signal came finished first).</param>
/// <param name="Steps">Steps per epoch.</param>
/// <param name="MidEpoch">Whether the signal came during the epoch's steps (the epoch is discarded) rather than after them.</param>
/// <param name="KeptEpoch">The last completed epoch, whose model the run holds now (0: none completed, or it was not kept because nothing is saved).</param>
public sealed record InterruptedRun(string Signal, int ExitCode, int Epoch, int Step, int Steps, bool MidEpoch, int KeptEpoch);
