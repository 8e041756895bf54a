namespace AutoGrad.Kernels;

/// <summary>How many threads kernels may use (the matrix multiply's workers).</summary>
public static class Threading
{
    private static int s_threads = Math.Min(2, Environment.ProcessorCount);

    /// <summary>Worker threads for kernels; results do not depend on it (fixed reduction order).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public static int Threads
    {
        get => s_threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads must be >= 1, got {value}");
            s_threads = value;
        }
    }
}
