namespace AutoGrad;

/// <summary>
/// Thrown when an op receives tensors whose shapes do not fit: the message names the op, the
/// shapes involved and the dimension that failed.
/// </summary>
public sealed class ShapeException : ArgumentException
{
    /// <summary>The op that rejected its inputs (e.g. <c>matmul</c>).</summary>
    public string Op { get; }

    /// <summary>Creates the exception for <paramref name="op"/> with a complete message.</summary>
    public ShapeException(string op, string message) : base(message) => Op = op;
}
