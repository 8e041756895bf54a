namespace AutoGrad.IO;

/// <summary>
/// A checkpoint file was refused: not a checkpoint, an unsupported version, truncated, corrupted
/// (checksum mismatch), malformed, or not matching the model or optimizer it was loaded into. The
/// message names the file, what was expected and what was found. Nothing was changed.
/// </summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public CheckpointException(string filePath, string message, Exception? inner = null)
        : base($"checkpoint '{filePath}': {message}", inner) => FilePath = filePath;

    /// <summary>The file that was refused.</summary>
    public string FilePath { get; }
}
