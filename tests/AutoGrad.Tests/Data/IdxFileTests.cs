using System.IO.Compression;
using AutoGrad.Data;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Data;

public class IdxFileTests
{
    private static byte[] Idx(byte type, int[] dims, byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write([0, 0, type, (byte)dims.Length]);
        foreach (var d in dims) ms.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        ms.Write(data);
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsUnsignedBytes(bool gzip)
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.idx");
        var data = Enumerable.Range(0, 24).Select(i => (byte)(i * 10)).ToArray();
        IdxFile.WriteUInt8(path, data, [2, 3, 4], gzip);
        var f = IdxFile.Read(path);
        Assert.Equal(IdxDataType.UInt8, f.DataType);
        Assert.Equal([2, 3, 4], f.Dimensions);
        Assert.Equal(data.Select(b => (double)b / 255), f.ToFloatArray(1.0 / 255).Select(v => (double)v), new ToleranceComparer(1e-7));
        Assert.Equal(data.Select(b => (int)b), f.ToInt32Array());
    }

    [Fact]
    public void ReadsBigEndianWiderTypes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("i.idx");
        File.WriteAllBytes(path, Idx(0x0C, [2], [0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE]));
        Assert.Equal([256, -2], IdxFile.Read(path).ToInt32Array());
        File.WriteAllBytes(path, Idx(0x0D, [1], [0x3F, 0xC0, 0, 0]));
        Assert.Equal([1.5f], IdxFile.Read(path).ToFloatArray());
        Assert.Throws<InvalidOperationException>(() => IdxFile.Read(path).ToInt32Array());
    }

    public static TheoryData<string, byte[], string> BadFiles => new()
    {
        { "wrong magic", [0x1F, 0x00, 0x08, 0x01, 0, 0, 0, 1, 7], "wrong magic number 0x1F000801" },
        { "unknown type", Idx(0x07, [1], [1]), "unknown element type 0x07" },
        { "zero rank", [0, 0, 8, 0], "0 dimensions" },
        { "short magic", [0, 0], "is 2 bytes long" },
        { "truncated header", [0, 0, 8, 2, 0, 0, 0, 3, 0, 0], "truncated header: 2 dimensions need 8 bytes" },
        { "truncated data", Idx(0x08, [2, 3], [1, 2, 3, 4]), "the header declares 2×3 UInt8 elements = 6 bytes of data, but only 4 bytes follow" },
        { "trailing data", Idx(0x08, [2], [1, 2, 3]), "but 1 more bytes follow" },
        { "negative dimension", Idx(0x08, [-1], []), "dimension 0 is -1" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void MalformedFilesAreRefusedSayingWhatWasExpected(string name, byte[] bytes, string fragment)
    {
        using var dir = new TempDirectory();
        var path = dir.File(name.Replace(' ', '-'));
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void TruncationInsideAGzippedFileIsFound()
    {
        using var dir = new TempDirectory();
        var path = dir.File("t.gz");
        File.WriteAllBytes(path, Gzip(Idx(0x08, [10, 10], new byte[50])));
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains("(gzip)", e.Message);
        Assert.Contains("only 50 bytes follow", e.Message);
        var cut = Gzip(Idx(0x08, [1000], new byte[1000]));
        File.WriteAllBytes(path, cut[..(cut.Length / 2)]);
        Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
    }

    [Fact]
    public void WriteValidatesItsArguments()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => IdxFile.WriteUInt8(dir.File("a"), new byte[5], [2, 3]));
        Assert.Throws<ArgumentException>(() => IdxFile.WriteUInt8(dir.File("a"), new byte[5], []));
    }
}

internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

    public int GetHashCode(double obj) => 0;
}
