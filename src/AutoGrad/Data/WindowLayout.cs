namespace AutoGrad.Data;

/// <summary>How <see cref="TimeSeries.Windows(int, double, double, WindowLayout, DType)"/> lays out a window of past values and its target.</summary>
public enum WindowLayout
{
    /// <summary>For an MLP: inputs [N, window] (the window's values as features, oldest first), targets [N, 1].</summary>
    Flat,

    /// <summary>For a sequence model, sequence-to-one: inputs [N, window, 1] (batch-first: time, then one feature), targets [N, 1], the value after the last step.</summary>
    Sequence,

    /// <summary>
    /// For a sequence model, sequence-to-sequence: inputs [N, window, 1] as <see cref="Sequence"/>,
    /// targets [N, window, 1], the next value at every step (the input shifted by one; its last step
    /// is the sequence-to-one target).
    /// </summary>
    SequenceToSequence,
}
