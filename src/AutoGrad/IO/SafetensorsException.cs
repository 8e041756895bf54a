namespace AutoGrad.IO;

/// <summary>
/// A safetensors file was refused: too short, a header that is not valid JSON or not the format's,
/// an unsupported dtype, offsets outside the file, overlapping or leaving gaps, or a byte length
/// that does not match the shape and dtype. The message names the file and, where there is one,
/// the tensor.
/// </summary>
public sealed class SafetensorsException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> (and <paramref name="tensorName"/>, if the problem is one tensor's).</summary>
    public SafetensorsException(string filePath, string? tensorName, string message, Exception? inner = null)
        : base($"safetensors '{filePath}': {(tensorName is null ? "" : $"tensor '{tensorName}': ")}{message}", inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file that was refused.</summary>
    public string FilePath { get; }

    /// <summary>The tensor the problem is in, or null for the file as a whole.</summary>
    public string? TensorName { get; }
}
