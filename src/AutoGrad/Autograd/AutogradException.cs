namespace AutoGrad;

/// <summary>
/// Thrown when a backward pass cannot run as asked: backward through a graph that was already
/// freed, from a non-scalar without a seed gradient, or through a tensor that was modified in
/// place after an op saved it.
/// </summary>
public sealed class AutogradException : InvalidOperationException
{
    /// <summary>Creates the exception with a complete message.</summary>
    public AutogradException(string message) : base(message) { }
}
