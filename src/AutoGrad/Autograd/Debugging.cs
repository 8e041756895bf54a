namespace AutoGrad.Autograd;

/// <summary>Process-wide switches for the gradient debugging tools. All are off by default and free when off.</summary>
public static class Debugging
{
    /// <summary>
    /// When on, ops called without caller information (operators such as <c>a * b</c>) find their
    /// source line from a stack trace at record time. Slow: for debugging sessions only.
    /// </summary>
    public static bool CaptureStackTraces { get; set; }
}
