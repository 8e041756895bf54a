using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoGrad.Data;

/// <summary>
/// One IDX file (the MNIST format, LeCun et al.), gzipped or not: a 4-byte magic number
/// <c>0x00 0x00 type rank</c>, then <c>rank</c> big-endian int32 dimensions, then the elements in
/// row-major order, big-endian. Reading validates everything and says what was expected.
/// </summary>
public sealed class IdxFile
{
    private readonly byte[] _data;

    private IdxFile(IdxDataType type, int[] dimensions, byte[] data)
    {
        DataType = type;
        Dimensions = dimensions;
        _data = data;
    }

    /// <summary>Element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Number of elements.</summary>
    public long ElementCount => _data.LongLength / ElementSize(DataType);

    /// <summary>Size in bytes of one element of <paramref name="type"/>.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UInt8 or IdxDataType.Int8 => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"IdxFile: unknown element type 0x{(byte)type:X2}"),
    };

    /// <summary>Reads an IDX file; gzip is detected from the content (its 0x1F 0x8B signature), not the name.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not an IDX file, an unknown type, a bad dimension, truncated, or trailing data; the message names the file.</exception>
    public static IdxFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IdxFile.Read: no such file '{path}'", path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an IDX file from a stream (gzipped or not); <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">See <see cref="Read(string)"/>.</exception>
    public static IdxFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        long length = stream.CanSeek ? stream.Length - stream.Position : -1;
        // Not disposed: the caller owns the stream (disposing the buffer would close it).
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> sig = stackalloc byte[2];
        int got = ReadUpTo(buffered, sig, sourceName);
        if (got == 2 && sig[0] == 0x1F && sig[1] == 0x8B)
        {
            // The signature bytes were consumed to sniff the format; hand them back in front of the rest.
            using var gz = new GZipStream(new PrefixedStream(sig.ToArray(), buffered), CompressionMode.Decompress);
            return Parse(gz, sourceName + " (gzip)", -1, plain: false);
        }
        return Parse(new PrefixedStream(sig[..got].ToArray(), buffered), sourceName, length, plain: true);
    }

    private static IdxFile Parse(Stream s, string source, long fileLength, bool plain)
    {
        Span<byte> magic = stackalloc byte[4];
        int n = ReadUpTo(s, magic, source);
        if (n < 4) throw new InvalidDataException($"{source}: is {n} bytes long; an IDX file starts with a 4-byte magic number (0x00 0x00 type rank)");
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"{source}: wrong magic number 0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}; an IDX file starts with 0x0000 followed by a type byte (0x08 for unsigned bytes) and the number of dimensions");
        var type = (IdxDataType)magic[2];
        if (!Enum.IsDefined(type))
            throw new InvalidDataException($"{source}: unknown element type 0x{magic[2]:X2} in the magic number; expected 0x08 (ubyte), 0x09, 0x0B, 0x0C, 0x0D or 0x0E");
        int rank = magic[3];
        if (rank == 0) throw new InvalidDataException($"{source}: the magic number declares 0 dimensions; expected at least 1");
        var dimBytes = new byte[4 * rank];
        n = ReadUpTo(s, dimBytes, source);
        if (n < dimBytes.Length)
            throw new InvalidDataException($"{source}: truncated header: {rank} dimensions need {dimBytes.Length} bytes after the magic number, found {n}");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (dims[i] < 0) throw new InvalidDataException($"{source}: dimension {i} is {dims[i]}; dimensions must be >= 0");
            count *= dims[i];
        }
        int size = ElementSize(type);
        long bytes = count * size;
        string declared = $"{string.Join("×", dims)} {type} elements = {bytes} bytes of data";
        if (bytes > Array.MaxLength) throw new InvalidDataException($"{source}: declares {declared}, more than one array can hold");
        long header = 4 + 4L * rank;
        if (plain && fileLength >= 0 && fileLength - header < bytes)
            throw new InvalidDataException($"{source}: truncated: the header declares {declared}, but only {fileLength - header} bytes follow");
        var data = new byte[bytes];
        n = ReadUpTo(s, data, source);
        if (n < bytes) throw new InvalidDataException($"{source}: truncated: the header declares {declared}, but only {n} bytes follow");
        Span<byte> extra = stackalloc byte[1];
        if (ReadUpTo(s, extra, source) != 0)
        {
            string more = plain && fileLength >= 0 ? $"{fileLength - header - bytes} more bytes" : "more bytes";
            throw new InvalidDataException($"{source}: the header declares {declared}, but {more} follow; the dimensions do not match the data");
        }
        return new IdxFile(type, dims, data);
    }

    private static int ReadUpTo(Stream s, Span<byte> buffer, string source)
    {
        try
        {
            return s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: the gzip data is corrupt: {e.Message}", e);
        }
    }

    /// <summary>The elements as float32, each multiplied by <paramref name="scale"/> (e.g. 1/255 to map bytes to [0, 1]).</summary>
    public float[] ToFloatArray(double scale = 1)
    {
        long count = ElementCount;
        var r = new float[count];
        if (DataType == IdxDataType.UInt8)
        {
            // A table keeps byte·scale rounded once from float64 (byte·(float)scale would round twice).
            Span<float> table = stackalloc float[256];
            for (int v = 0; v < 256; v++) table[v] = (float)(v * scale);
            for (long i = 0; i < count; i++) r[i] = table[_data[i]];
            return r;
        }
        for (long i = 0; i < count; i++) r[i] = (float)(Get(i) * scale);
        return r;
    }

    /// <summary>The elements as integers (labels).</summary>
    /// <exception cref="InvalidOperationException">The element type is a floating-point type.</exception>
    public int[] ToInt32Array()
    {
        if (DataType is IdxDataType.Float32 or IdxDataType.Float64)
            throw new InvalidOperationException($"IdxFile.ToInt32Array: the elements are {DataType}, not integers");
        var r = new int[ElementCount];
        for (long i = 0; i < r.LongLength; i++) r[i] = (int)Get(i);
        return r;
    }

    private double Get(long i) => DataType switch
    {
        IdxDataType.UInt8 => _data[i],
        IdxDataType.Int8 => (sbyte)_data[i],
        IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(_data.AsSpan((int)(2 * i))),
        IdxDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(_data.AsSpan((int)(4 * i))),
        IdxDataType.Float32 => BinaryPrimitives.ReadSingleBigEndian(_data.AsSpan((int)(4 * i))),
        _ => BinaryPrimitives.ReadDoubleBigEndian(_data.AsSpan((int)(8 * i))),
    };

    /// <summary>Writes unsigned bytes as an IDX file (gzipped if asked), e.g. to make MNIST-format test data.</summary>
    /// <exception cref="ArgumentException">The dimensions are empty, negative, more than 255, or do not multiply to the data length.</exception>
    public static void WriteUInt8(string path, ReadOnlySpan<byte> data, int[] dimensions, bool gzip = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length is 0 or > 255) throw new ArgumentException($"IdxFile.WriteUInt8: an IDX file has 1 to 255 dimensions, got {dimensions.Length}", nameof(dimensions));
        Guard.ValidShape("IdxFile.WriteUInt8", dimensions);
        if (Shapes.Numel(dimensions) != data.Length)
            throw new ArgumentException($"IdxFile.WriteUInt8: dimensions {Shapes.Format(dimensions)} hold {Shapes.Numel(dimensions)} elements but the data has {data.Length}", nameof(dimensions));
        using var file = File.Create(path);
        using Stream s = gzip ? new GZipStream(file, CompressionLevel.Optimal) : file;
        Span<byte> head = stackalloc byte[4];
        head[0] = 0; head[1] = 0; head[2] = (byte)IdxDataType.UInt8; head[3] = (byte)dimensions.Length;
        s.Write(head);
        foreach (var d in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(head, d);
            s.Write(head);
        }
        s.Write(data);
    }

    /// <summary>A read-only stream that yields <c>prefix</c> and then the inner stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _pos;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_pos < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _pos);
                prefix.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            return inner.Read(buffer);
        }
    }
}
