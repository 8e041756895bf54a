namespace AutoGrad.Debugging;

/// <summary>Process-wide switches for the gradient debugging tools. Off by default and free when off.</summary>
public static class DebugSettings
{
    /// <summary>
    /// When on, ops called without caller information find their source line from a stack trace
    /// at record time. Operators (<c>a * b</c>, <c>x + 1</c>) cannot carry
    /// <c>[CallerLineNumber]</c>, so without this switch the nodes they record have an unknown
    /// site; named methods (<c>Tensor.Mul(a, b)</c>, <c>x.AddScalar(1)</c>) always know their line.
    /// Slow (a stack walk per operator): for debugging sessions only. It is a global switch because
    /// it changes only what is recorded about an op, never a value.
    /// </summary>
    public static bool CaptureStackTraces
    {
        get => Autograd.SourceSite.CaptureStackTraces;
        set => Autograd.SourceSite.CaptureStackTraces = value;
    }
}
