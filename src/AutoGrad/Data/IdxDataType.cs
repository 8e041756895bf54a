namespace AutoGrad.Data;

/// <summary>Element type codes of the IDX format (third byte of the magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>Unsigned byte (MNIST images and labels).</summary>
    UInt8 = 0x08,

    /// <summary>Signed byte.</summary>
    Int8 = 0x09,

    /// <summary>Big-endian 16-bit integer.</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit integer.</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian IEEE 754 float32.</summary>
    Float32 = 0x0D,

    /// <summary>Big-endian IEEE 754 float64.</summary>
    Float64 = 0x0E,
}
