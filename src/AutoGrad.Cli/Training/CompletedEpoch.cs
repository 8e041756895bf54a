using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Cli.Training;

/// <summary>
/// The model (parameters and buffers) and optimizer state at the end of the last completed epoch,
/// kept so that an interrupted run saves a whole epoch's model rather than one cut off mid-epoch.
/// Captured into buffers allocated once; only kept when the run saves a checkpoint.
/// </summary>
public sealed class CompletedEpoch(Module model, Optimizer optimizer)
{
    private readonly ParameterSnapshot _tensors = new(model.Parameters().Concat(model.Buffers()));
    private OptimizerState? _optimizer;

    /// <summary>The last epoch captured (0: none yet).</summary>
    public int Epoch { get; private set; }

    /// <summary>Copies the model's current values and the optimizer's state as those of <paramref name="epoch"/>.</summary>
    public void Capture(int epoch)
    {
        _tensors.Capture();
        _optimizer = optimizer.State();
        Epoch = epoch;
    }

    /// <summary>Writes the captured values back into the model and the optimizer; false (changing nothing) if no epoch was captured.</summary>
    public bool Restore()
    {
        if (Epoch == 0) return false;
        _tensors.Restore();
        optimizer.LoadState(_optimizer!);
        return true;
    }
}
