namespace AutoGrad.Optim;

/// <summary>
/// A learning-rate schedule whose progress a checkpoint can keep (<see cref="LRScheduler"/>'s
/// closed forms, <see cref="ReduceLROnPlateau"/>): its kind name and its state as named numbers.
/// <c>Checkpoint.Save(path, model, optimizer, schedule: s)</c> stores it with the optimizer's state
/// and <c>Checkpoint.Load(path, model, optimizer, s)</c> restores it.
/// </summary>
public interface IScheduleState
{
    /// <summary>The schedule's name in checkpoints: step, exponential, cosine, warmup or plateau.</summary>
    string Kind { get; }

    /// <summary>Everything needed to resume the schedule, by name.</summary>
    IReadOnlyDictionary<string, double> State();

    /// <summary>Restores a state from <see cref="State"/>; throws, changing nothing, when it does not fit.</summary>
    void LoadState(IReadOnlyDictionary<string, double> state);
}
