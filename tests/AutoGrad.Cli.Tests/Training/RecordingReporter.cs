using AutoGrad.Cli.Training;

namespace AutoGrad.Cli.Tests.Training;

/// <summary>A reporter that records what the loop reports and can raise an interrupt at a given step (or after a given epoch), as a signal would.</summary>
public sealed class RecordingReporter(Interrupt? interrupt = null, int atEpoch = 0, int atStep = 0) : IEpochReporter
{
    private int _epoch, _step;

    public List<string> Messages { get; } = [];

    public List<EpochResult> Epochs { get; } = [];

    public System.Runtime.InteropServices.PosixSignal Signal { get; init; } = System.Runtime.InteropServices.PosixSignal.SIGINT;

    public void Run(Action<IEpochReporter> training) => training(this);

    public void BeginEpoch(int epoch, int epochs, int batches)
    {
        _epoch = epoch;
        _step = 0;
    }

    public void Advance()
    {
        _step++;
        if (interrupt is not null && atStep > 0 && _epoch == atEpoch && _step == atStep) interrupt.Request(Signal);
    }

    public void EndEpoch(EpochResult result, int epochs)
    {
        Epochs.Add(result);
        if (interrupt is not null && atStep == 0 && result.Epoch == atEpoch) interrupt.Request(Signal);
    }

    public void Message(string text) => Messages.Add(text);
}
