using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AutoGrad.NN;

namespace AutoGrad.IO;

/// <summary>
/// Reads and writes safetensors files, the weights format that PyTorch, JAX and Hugging Face read:
/// an 8-byte little-endian header length N, N bytes of JSON
/// <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}</c>,
/// then the tensors' bytes, little-endian and row-major, offsets relative to the start of the data.
/// With <see cref="Module.StateDict"/> and <see cref="Module.LoadStateDict"/> it moves weights
/// to and from PyTorch under <c>state_dict()</c>'s names (docs/interop.md).
/// </summary>
/// <remarks>
/// <para>Writing stores float32 as F32 and float64 as F64, in the order given, the header padded
/// with spaces to a multiple of 8 bytes (as the reference implementation does). It is atomic, as
/// <see cref="Checkpoint.Save(string, Module, Optim.Optimizer?, IReadOnlyDictionary{string, string}?, Optim.IScheduleState?)"/>:
/// a temporary file in the same directory, flushed, then moved over the target.</para>
/// <para>Reading validates the whole file before returning anything: the header length within the
/// file and at most 100,000,000 bytes, the header valid UTF-8 JSON holding one object per tensor
/// with exactly <c>dtype</c>, <c>shape</c> and <c>data_offsets</c>, a known dtype, the byte length
/// equal to the element count times the dtype's size, and the tensors' bytes tiling the data
/// section exactly (in offset order, each starting where the previous ended, the last ending at the
/// end of the file: no overlap, no gap, no trailing bytes).</para>
/// <para>The library computes in float32 and float64 only. Other dtypes are widened exactly, never
/// rounded: F16 and BF16 become float32; BOOL, U8, I8, U16, I16, U32, I32, I64 and U64 become
/// float64 (an I64 or U64 value beyond ±2^53, which float64 cannot hold exactly, is refused).
/// <see cref="SafetensorsFile.FileDTypes"/> says which. The 8-bit float types are refused.</para>
/// </remarks>
public static class Safetensors
{
    /// <summary>The largest header this reader accepts, in bytes (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Saves a module's <see cref="Module.StateDict"/> (PyTorch's names and layout) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">A metadata key is empty.</exception>
    /// <exception cref="IOException">The file cannot be written (the target is left as it was).</exception>
    public static void Save(string path, Module module, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Save(path, module.StateDict(), metadata);
    }

    /// <summary>Saves named tensors (float32 as F32, float64 as F64, in the order given) and optional metadata strings to <paramref name="path"/> atomically.</summary>
    /// <param name="path">Target file; replaced if it exists.</param>
    /// <param name="tensors">Name → tensor, e.g. <see cref="Module.StateDict"/>.</param>
    /// <param name="metadata">Strings stored in the header's <c>__metadata__</c>, or null.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or <c>__metadata__</c>; a tensor is null; a metadata key is empty.</exception>
    /// <exception cref="IOException">The file cannot be written (the target is left as it was).</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in list)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Safetensors.Save: a tensor name is empty", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"Safetensors.Save: '{MetadataKey}' is the header's metadata entry and cannot name a tensor", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"Safetensors.Save: tensor '{name}' appears twice", nameof(tensors));
            if (t is null) throw new ArgumentException($"Safetensors.Save: tensor '{name}' is null", nameof(tensors));
        }
        if (metadata is not null)
            foreach (var (k, v) in metadata)
            {
                if (string.IsNullOrEmpty(k)) throw new ArgumentException("Safetensors.Save: a metadata key is empty", nameof(metadata));
                if (v is null) throw new ArgumentException($"Safetensors.Save: metadata '{k}' is null", nameof(metadata));
            }

        var header = BuildHeader(list, metadata);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                fs.Write(prefix);
                fs.Write(header);
                foreach (var (_, t) in list) WriteData(fs, t);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Reads and validates a safetensors file; returns its tensors by name (see <see cref="Read"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafetensorsException">The file is not a valid safetensors file; the message says why.</exception>
    public static OrderedDictionary<string, Tensor> Load(string path) => Read(path).Tensors;

    /// <summary>Reads and validates a safetensors file: its tensors, their dtypes in the file, and its metadata.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafetensorsException">The file is not a valid safetensors file; the message says why.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors '{path}' does not exist", path);
        var info = new FileInfo(path);
        if (info.Length > Array.MaxLength)
            throw new SafetensorsException(path, null, $"is {info.Length} bytes; files up to {Array.MaxLength} bytes are supported");
        return Parse(path, File.ReadAllBytes(path));
    }

    /// <summary>Parses the bytes of a safetensors file (<paramref name="path"/> only names it in errors).</summary>
    /// <exception cref="SafetensorsException">The bytes are not a valid safetensors file.</exception>
    public static SafetensorsFile Parse(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 8)
            throw new SafetensorsException(path, null, $"is {bytes.Length} bytes, shorter than the 8-byte header length that starts the format");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)(bytes.Length - 8))
            throw new SafetensorsException(path, null, $"records a header of {n} bytes, but only {bytes.Length - 8} follow the length (truncated, or not a safetensors file)");
        if (n > MaxHeaderLength)
            throw new SafetensorsException(path, null, $"records a header of {n} bytes; at most {MaxHeaderLength} are accepted");
        if (n < 2)
            throw new SafetensorsException(path, null, $"records a header of {n} bytes; the header is a JSON object, at least '{{}}'");
        int headerLength = (int)n;
        var header = bytes.AsSpan(8, headerLength);
        if (header[0] != (byte)'{')
            throw new SafetensorsException(path, null, $"its header does not start with '{{' (it starts with 0x{header[0]:X2}); not a safetensors file");
        int dataStart = 8 + headerLength;
        long dataLength = bytes.Length - dataStart;

        string json;
        try { json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(header); }
        catch (DecoderFallbackException e) { throw new SafetensorsException(path, null, "its header is not valid UTF-8", e); }

        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new SafetensorsException(path, null, $"its header is not valid JSON: {e.Message}", e); }

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsException(path, null, $"its header is a JSON {doc.RootElement.ValueKind}, not an object");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafetensorsException(path, property.Name, "appears twice in the header");
                if (property.Name == MetadataKey) ReadMetadata(path, property.Value, metadata);
                else entries.Add(ReadEntry(path, property.Name, property.Value));
            }
        }

        // The tensors must tile the data section: each starts where the previous one ended.
        var byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expectedBegin = 0;
        Entry? previous = null;
        foreach (var e in byOffset)
        {
            if (e.End > dataLength)
                throw new SafetensorsException(path, e.Name, $"its data_offsets [{e.Begin}, {e.End}] end past the data section, which has {dataLength} bytes (the file is truncated or the header is wrong)");
            if (e.Begin < expectedBegin)
                throw new SafetensorsException(path, e.Name, $"its data_offsets [{e.Begin}, {e.End}] overlap those of tensor '{previous!.Value.Name}' [{previous.Value.Begin}, {previous.Value.End}]");
            if (e.Begin > expectedBegin)
                throw new SafetensorsException(path, e.Name, $"its data starts at byte {e.Begin} of the data section, leaving bytes [{expectedBegin}, {e.Begin}) that no tensor uses");
            expectedBegin = e.End;
            previous = e;
        }
        if (expectedBegin != dataLength)
            throw new SafetensorsException(path, null, $"its tensors' data ends at byte {expectedBegin} of the data section, but the section has {dataLength} bytes: {dataLength - expectedBegin} trailing bytes that no tensor uses");

        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var dtypes = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in byOffset)
        {
            var data = bytes.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin));
            var t = Decode(path, e, data);
            t.Name = e.Name;
            tensors.Add(e.Name, t);
            dtypes.Add(e.Name, e.DType);
        }
        return new SafetensorsFile(path, tensors, dtypes, metadata);
    }

    private readonly record struct Entry(string Name, string DType, int[] Shape, long Numel, long Begin, long End);

    /// <summary>Bytes per element of each dtype the reader knows; the 8-bit float types are known only to be refused.</summary>
    private static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => 0,
    };

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsException(path, null, $"its '{MetadataKey}' is a JSON {value.ValueKind}; it must be an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsException(path, null, $"its '{MetadataKey}' entry '{m.Name}' is a JSON {m.Value.ValueKind}; metadata values must be strings");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                throw new SafetensorsException(path, null, $"its '{MetadataKey}' entry '{m.Name}' appears twice");
        }
    }

    private static Entry ReadEntry(string path, string name, JsonElement value)
    {
        if (name.Length == 0) throw new SafetensorsException(path, null, "a tensor has an empty name");
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsException(path, name, $"its header entry is a JSON {value.ValueKind}; expected an object with dtype, shape and data_offsets");
        string? dtype = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null:
                    if (field.Value.ValueKind != JsonValueKind.String) throw new SafetensorsException(path, name, $"its dtype is a JSON {field.Value.ValueKind}, not a string");
                    dtype = field.Value.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = Integers(path, name, "shape", field.Value).Select(d => d <= int.MaxValue ? (int)d
                        : throw new SafetensorsException(path, name, $"its shape has a dimension of {d}; at most {int.MaxValue} is supported")).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = Integers(path, name, "data_offsets", field.Value);
                    if (offsets.Length != 2) throw new SafetensorsException(path, name, $"its data_offsets has {offsets.Length} numbers; expected two, [begin, end]");
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw new SafetensorsException(path, name, $"its header entry has '{field.Name}' twice");
                default:
                    throw new SafetensorsException(path, name, $"its header entry has an unknown field '{field.Name}'; expected dtype, shape and data_offsets");
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw new SafetensorsException(path, name, $"its header entry lacks {string.Join(" and ", new[] { dtype is null ? "dtype" : null, shape is null ? "shape" : null, offsets is null ? "data_offsets" : null }.Where(s => s is not null))}");
        if (dtype.StartsWith("F8", StringComparison.Ordinal))
            throw new SafetensorsException(path, name, $"has dtype {dtype}, an 8-bit float type this library does not read; convert it to F32 first");
        int size = ElementSize(dtype);
        if (size == 0)
            throw new SafetensorsException(path, name, $"has the unknown dtype '{dtype}'; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL");
        long numel = 1;
        foreach (int d in shape)
        {
            numel *= d;
            if (numel > Array.MaxLength)
                throw new SafetensorsException(path, name, $"its shape {Shapes.Format(shape)} has more than {Array.MaxLength} elements");
        }
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw new SafetensorsException(path, name, $"its data_offsets [{begin}, {end}] end before they begin");
        if (end - begin != numel * size)
            throw new SafetensorsException(path, name, $"has shape {Shapes.Format(shape)} and dtype {dtype}, so {numel} × {size} = {numel * size} bytes, but its data_offsets [{begin}, {end}] hold {end - begin}");
        return new Entry(name, dtype, shape, numel, begin, end);
    }

    private static long[] Integers(string path, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new SafetensorsException(path, name, $"its {field} is a JSON {value.ValueKind}, not an array of integers");
        var list = new List<long>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
                throw new SafetensorsException(path, name, $"its {field} holds {item.GetRawText()}; expected non-negative integers");
            list.Add(v);
        }
        if (field == "shape" && list.Count > 64)
            throw new SafetensorsException(path, name, $"its shape has {list.Count} dimensions; at most 64 are supported");
        return [.. list];
    }

    private static Tensor Decode(string path, Entry e, ReadOnlySpan<byte> data)
    {
        int n = (int)e.Numel;
        switch (e.DType)
        {
            case "F32":
            {
                var t = Tensor.Zeros(DType.Float32, e.Shape);
                if (BitConverter.IsLittleEndian) data.CopyTo(MemoryMarshal.AsBytes(t.SpanF));
                else for (int i = 0; i < n; i++) t.SpanF[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                return t;
            }
            case "F64":
            {
                var t = Tensor.Zeros(DType.Float64, e.Shape);
                if (BitConverter.IsLittleEndian) data.CopyTo(MemoryMarshal.AsBytes(t.SpanD));
                else for (int i = 0; i < n; i++) t.SpanD[i] = BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]);
                return t;
            }
            case "F16" or "BF16":
            {
                var t = Tensor.Zeros(DType.Float32, e.Shape);
                var f = t.SpanF;
                bool brain = e.DType == "BF16";
                for (int i = 0; i < n; i++)
                {
                    ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]);
                    // bfloat16 is the top half of a float32; IEEE half widens exactly to float.
                    f[i] = brain ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);
                }
                return t;
            }
            default:
            {
                var t = Tensor.Zeros(DType.Float64, e.Shape);
                var d = t.SpanD;
                const long exact = 1L << 53;
                for (int i = 0; i < n; i++)
                {
                    d[i] = e.DType switch
                    {
                        "BOOL" => data[i] switch
                        {
                            0 => 0,
                            1 => 1,
                            _ => throw new SafetensorsException(path, e.Name, $"element {i} of this BOOL tensor is the byte {data[i]}; a bool is 0 or 1"),
                        },
                        "U8" => data[i],
                        "I8" => (sbyte)data[i],
                        "U16" => BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]),
                        "I16" => BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]),
                        "U32" => BinaryPrimitives.ReadUInt32LittleEndian(data[(4 * i)..]),
                        "I32" => BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]),
                        "I64" => BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]) is var v && v >= -exact && v <= exact ? v
                            : throw new SafetensorsException(path, e.Name, $"element {i} of this I64 tensor is {BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..])}, beyond ±2^53, which float64 cannot hold exactly"),
                        _ => BinaryPrimitives.ReadUInt64LittleEndian(data[(8 * i)..]) is var u && u <= exact ? u
                            : throw new SafetensorsException(path, e.Name, $"element {i} of this U64 tensor is {BinaryPrimitives.ReadUInt64LittleEndian(data[(8 * i)..])}, beyond 2^53, which float64 cannot hold exactly"),
                    };
                }
                return t;
            }
        }
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in tensors)
            {
                long length = (long)t.Numel * t.DType.Size();
                w.WriteStartObject(name);
                w.WriteString("dtype", t.DType == DType.Float32 ? "F32" : "F64");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += length;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while ((ms.Length + 8) % 8 != 0) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }

    private static void WriteData(Stream s, Tensor t)
    {
        if (BitConverter.IsLittleEndian)
        {
            s.Write(t.DType == DType.Float32 ? MemoryMarshal.AsBytes(t.SpanF) : MemoryMarshal.AsBytes(t.SpanD));
            return;
        }
        Span<byte> b = stackalloc byte[8];
        for (int i = 0; i < t.Numel; i++)
        {
            if (t.DType == DType.Float32) { BinaryPrimitives.WriteSingleLittleEndian(b, t.SpanF[i]); s.Write(b[..4]); }
            else { BinaryPrimitives.WriteDoubleLittleEndian(b, t.SpanD[i]); s.Write(b); }
        }
    }
}
