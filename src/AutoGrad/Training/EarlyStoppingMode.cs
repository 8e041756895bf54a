namespace AutoGrad.Training;

/// <summary>Whether the monitored metric improves by going down (a loss) or up (an accuracy).</summary>
public enum EarlyStoppingMode
{
    /// <summary>Lower is better (validation loss).</summary>
    Min,

    /// <summary>Higher is better (validation accuracy).</summary>
    Max,
}
