namespace AutoGrad.Cli.Training;

/// <summary>Shows training progress: a progress bar per epoch on a terminal, plain lines otherwise.</summary>
public interface IEpochReporter
{
    /// <summary>Runs the whole training inside the reporter (a live display needs to own the console while it runs).</summary>
    void Run(Action<IEpochReporter> training);

    void BeginEpoch(int epoch, int epochs, int batches);

    void Advance();

    void EndEpoch(EpochResult result, int epochs);

    void Message(string text);
}
