using System.Buffers.Binary;
using System.Text;
using AutoGrad.Autograd;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.IO;

/// <summary>Safetensors: the bytes of the format, exact round trips, widening of other dtypes, and strict validation with errors that name the file and tensor.</summary>
public class SafetensorsTests
{
    /// <summary>A safetensors file from a header (JSON text) and data bytes, built independently of the writer.</summary>
    private static byte[] File(string header, params byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    private static byte[] Floats(params float[] v)
    {
        var b = new byte[4 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    private static string Refused(string header, params byte[] data) =>
        Assert.Throws<SafetensorsException>(() => Safetensors.Parse("m.safetensors", File(header, data))).Message;

    [Fact]
    public void TheBytesAreTheDocumentedFormat()
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.From(DType.Float32, [1.5, -2], 2),
            ["b"] = Tensor.From(DType.Float64, [0.25], 1, 1),
        }, new Dictionary<string, string> { ["format"] = "pt" });
        string json = """{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1,1],"data_offsets":[8,16]}}""";
        json += new string(' ', (8 - (json.Length + 8) % 8) % 8); // padded so the data starts 8-byte aligned
        var data = Floats(1.5f, -2f).Concat(BitConverter.GetBytes(0.25)).ToArray();
        Assert.Equal(File(json, data), System.IO.File.ReadAllBytes(path));
        Assert.Equal(0, (8 + Encoding.UTF8.GetByteCount(json)) % 8);
    }

    [Fact]
    public void ARoundTripIsExactInOrderWithMetadata()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.safetensors");
        var tensors = new OrderedDictionary<string, Tensor>
        {
            ["z.last"] = Tensor.Randn(new Generator(1), 3, 4),
            ["a.first"] = Tensor.Randn(new Generator(2), 2, 2, 2).To(DType.Float64),
            ["scalar"] = Tensor.Scalar(3.25),
            ["empty"] = Tensor.Zeros(0, 3),
        };
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["note"] = "héllo <ok> \"quoted\"" });
        var file = Safetensors.Read(path);
        Assert.Equal(tensors.Keys, file.Tensors.Keys);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.DType, file.Tensors[name].DType);
            Assert.Equal(t.Shape.ToArray(), file.Tensors[name].Shape.ToArray());
            Assert.Equal(t.ToDoubleArray(), file.Tensors[name].ToDoubleArray());
            Assert.Equal(name, file.Tensors[name].Name);
        }
        Assert.Equal("héllo <ok> \"quoted\"", file.Metadata["note"]);
        Assert.Equal(["F32", "F64", "F32", "F32"], file.FileDTypes.Values);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left behind
    }

    [Fact]
    public void AModulesStateDictRoundTripsThroughAFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("mlp.safetensors");
        var x = Tensor.Randn(new Generator(3), 5, 4);
        Sequential Build(ulong seed) => new(new Linear(4, 6, new Generator(seed)), new BatchNorm1d(6), new Tanh(), new Linear(6, 2, new Generator(seed + 1)));
        var model = Build(1);
        using (Tape.NoGrad()) model.Forward(x); // moves the running statistics
        Safetensors.Save(path, model);
        var copy = Build(7);
        copy.LoadStateDict(Safetensors.Load(path));
        model.Eval();
        copy.Eval();
        using (Tape.NoGrad()) Assert.Equal(model.Forward(x).ToFloatArray(), copy.Forward(x).ToFloatArray());
    }

    [Fact]
    public void OtherDTypesAreWidenedExactly()
    {
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)1.5)));
        data.AddRange(BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)(-0.099975586))));
        data.AddRange(BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(-3.140625f) >> 16))); // bf16
        data.AddRange(BitConverter.GetBytes(7L));
        data.AddRange([1, 0]);
        data.AddRange(BitConverter.GetBytes(-5));
        data.Add(0xFE); // i8 -2
        data.Add(200);  // u8
        string header = """
            {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[],"data_offsets":[4,6]},
             "n":{"dtype":"I64","shape":[],"data_offsets":[6,14]},"m":{"dtype":"BOOL","shape":[2],"data_offsets":[14,16]},
             "i":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},"s":{"dtype":"I8","shape":[1],"data_offsets":[20,21]},
             "u":{"dtype":"U8","shape":[1],"data_offsets":[21,22]}}
            """;
        var file = Safetensors.Parse("w.safetensors", File(header, [.. data]));
        Assert.Equal(DType.Float32, file.Tensors["h"].DType);
        Assert.Equal([1.5f, (float)(Half)(-0.099975586)], file.Tensors["h"].ToFloatArray());
        Assert.Equal(-3.140625, file.Tensors["b"].Item());
        Assert.Equal(DType.Float64, file.Tensors["n"].DType);
        Assert.Equal(7, file.Tensors["n"].Item());
        Assert.Equal([1.0, 0.0], file.Tensors["m"].ToDoubleArray());
        Assert.Equal(-5, file.Tensors["i"].Item());
        Assert.Equal(-2, file.Tensors["s"].Item());
        Assert.Equal(200, file.Tensors["u"].Item());
        Assert.Equal("I64", file.FileDTypes["n"]);
    }

    [Fact]
    public void TruncatedAndMisframedFilesAreRefused()
    {
        Assert.Equal("safetensors 'm.safetensors': is 3 bytes, shorter than the 8-byte header length that starts the format",
            Assert.Throws<SafetensorsException>(() => Safetensors.Parse("m.safetensors", [1, 2, 3])).Message);
        var tooLong = File("{}");
        BinaryPrimitives.WriteUInt64LittleEndian(tooLong, 1000);
        Assert.Contains("records a header of 1000 bytes, but only 2 follow the length", Assert.Throws<SafetensorsException>(() => Safetensors.Parse("m.safetensors", tooLong)).Message);
        var huge = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("records a header of 18446744073709551615 bytes", Assert.Throws<SafetensorsException>(() => Safetensors.Parse("m.safetensors", huge)).Message);
        Assert.Contains("its header does not start with '{' (it starts with 0x5B)", Refused("[1, 2]"));
        Assert.Contains("its header is not valid JSON", Refused("{\"a\": "));
        Assert.Contains("its header is not valid UTF-8", Assert.Throws<SafetensorsException>(() =>
            Safetensors.Parse("m.safetensors", [.. BitConverter.GetBytes(3L), (byte)'{', 0xFF, (byte)'}'])).Message);
        Assert.Empty(Safetensors.Parse("m.safetensors", File("{}")).Tensors);
    }

    [Fact]
    public void BadEntriesAreRefusedNamingTheTensor()
    {
        Assert.Equal("safetensors 'm.safetensors': tensor 'w': has the unknown dtype 'F128'; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL",
            Refused("""{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""", new byte[16]));
        Assert.Contains("tensor 'w': has dtype F8_E4M3, an 8-bit float type", Refused("""{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", 0));
        Assert.Contains("tensor 'w': its header entry lacks shape and data_offsets", Refused("""{"w":{"dtype":"F32"}}"""));
        Assert.Contains("tensor 'w': its header entry has an unknown field 'strides'", Refused("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"strides":[1]}}""", Floats(1)));
        Assert.Contains("tensor 'w': its shape holds -1; expected non-negative integers", Refused("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", Floats(1)));
        Assert.Contains("tensor 'w': its shape holds 1.5", Refused("""{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", Floats(1)));
        Assert.Contains("tensor 'w': its data_offsets has 3 numbers", Refused("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", Floats(1)));
        Assert.Contains("tensor 'w': its data_offsets [8, 4] end before they begin", Refused("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", Floats(1)));
        Assert.Contains("tensor 'w': has shape [2, 3] and dtype F32, so 6 × 4 = 24 bytes, but its data_offsets [0, 20] hold 20",
            Refused("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", new byte[20]));
        Assert.Contains("tensor 'w': its header entry is a JSON Array", Refused("""{"w":[1]}"""));
        Assert.Contains("tensor 'w': appears twice in the header", Refused("""{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}""", Floats(1, 2)));
        Assert.Contains("its '__metadata__' entry 'k' is a JSON Number; metadata values must be strings", Refused("""{"__metadata__":{"k":1}}"""));
        Assert.Contains("tensor 'b': element 1 of this BOOL tensor is the byte 2", Refused("""{"b":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}""", 1, 2));
        Assert.Contains("tensor 'n': element 0 of this I64 tensor is 9007199254740993, beyond ±2^53",
            Refused("""{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}""", BitConverter.GetBytes((1L << 53) + 1)));
    }

    [Fact]
    public void OffsetsMustTileTheDataExactly()
    {
        Assert.Contains("tensor 'b': its data_offsets [4, 12] end past the data section, which has 8 bytes (the file is truncated or the header is wrong)",
            Refused("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", Floats(1, 2)));
        Assert.Contains("tensor 'b': its data_offsets [2, 6] overlap those of tensor 'a' [0, 4]",
            Refused("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", Floats(1, 2)));
        Assert.Contains("tensor 'b': its data starts at byte 8 of the data section, leaving bytes [4, 8) that no tensor uses",
            Refused("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", Floats(1, 2, 3)));
        Assert.Contains("its tensors' data ends at byte 4 of the data section, but the section has 8 bytes: 4 trailing bytes",
            Refused("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Floats(1, 2)));
        // Order in the header does not matter; the data's order is the order of the result.
        var file = Safetensors.Parse("m.safetensors", File("""{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Floats(1, 2)));
        Assert.Equal(["a", "b"], file.Tensors.Keys);
        Assert.Equal(2, file.Tensors["b"].Item());
    }

    [Fact]
    public void InvalidInputIsRefusedBeforeTheFileIsTouched()
    {
        using var dir = new TempDirectory();
        var path = dir.File("keep.safetensors");
        System.IO.File.WriteAllText(path, "previous");
        var t = Tensor.Zeros(1);
        Assert.Contains("tensor 'w' appears twice", Assert.Throws<ArgumentException>(() =>
            Safetensors.Save(path, [new("w", t), new("w", t)])).Message);
        Assert.Contains("'__metadata__' is the header's metadata entry", Assert.Throws<ArgumentException>(() =>
            Safetensors.Save(path, [new("__metadata__", t)])).Message);
        Assert.Contains("a tensor name is empty", Assert.Throws<ArgumentException>(() => Safetensors.Save(path, [new("", t)])).Message);
        Assert.Contains("tensor 'w' is null", Assert.Throws<ArgumentException>(() => Safetensors.Save(path, [new("w", null!)])).Message);
        Assert.Contains("a metadata key is empty", Assert.Throws<ArgumentException>(() =>
            Safetensors.Save(path, [new("w", t)], new Dictionary<string, string> { [""] = "x" })).Message);
        Assert.Equal("previous", System.IO.File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
        Assert.Throws<FileNotFoundException>(() => Safetensors.Load(dir.File("missing.safetensors")));
    }
}
