using AutoGrad.Optim;

namespace AutoGrad.IO;

/// <summary>The validated contents of a checkpoint file (see <see cref="Checkpoint.Read"/>).</summary>
public sealed class CheckpointFile
{
    internal CheckpointFile(string path, int version, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyDictionary<string, Tensor> parameters, IReadOnlyDictionary<string, Tensor> buffers, OptimizerState? optimizer)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Parameters = parameters;
        Buffers = buffers;
        Optimizer = optimizer;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The format version of the file.</summary>
    public int Version { get; }

    /// <summary>Free-form key/value strings saved with the model (e.g. how to rebuild it), in file order.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The named parameter values, in file order.</summary>
    public IReadOnlyDictionary<string, Tensor> Parameters { get; }

    /// <summary>The named buffer values (module state that is not trained, such as batch norm's running statistics), in file order; empty for a version 1 file.</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers { get; }

    /// <summary>The optimizer state, if one was saved.</summary>
    public OptimizerState? Optimizer { get; }
}
