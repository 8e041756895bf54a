namespace AutoGrad.IO;

/// <summary>The validated contents of a safetensors file (see <see cref="Safetensors.Read"/>).</summary>
public sealed class SafetensorsFile
{
    internal SafetensorsFile(string path, OrderedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> fileDTypes, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        FileDTypes = fileDTypes;
        Metadata = metadata;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>
    /// The tensors by name, in the order of their data in the file (for a file written by
    /// <see cref="Safetensors.Save(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string}?)"/>,
    /// the order they were given in). F32 tensors are float32 and F64 float64; the other dtypes
    /// are widened exactly (see <see cref="Safetensors"/>).
    /// </summary>
    public OrderedDictionary<string, Tensor> Tensors { get; }

    /// <summary>Each tensor's dtype as the file states it (<c>F32</c>, <c>F64</c>, <c>BF16</c>, <c>I64</c>, …), to see which were widened.</summary>
    public IReadOnlyDictionary<string, string> FileDTypes { get; }

    /// <summary>The header's <c>__metadata__</c> strings (empty when there is none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
