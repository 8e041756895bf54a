namespace AutoGrad;

/// <summary>Element type of a tensor. Float32 is the default for training; Float64 is for checking.</summary>
public enum DType
{
    /// <summary>32-bit IEEE 754 floating point (<see cref="float"/>).</summary>
    Float32,

    /// <summary>64-bit IEEE 754 floating point (<see cref="double"/>).</summary>
    Float64,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>The lower-case name used in messages and <c>ToString</c> (<c>float32</c>, <c>float64</c>).</summary>
    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";

    /// <summary>Size of one element in bytes.</summary>
    public static int Size(this DType dtype) => dtype == DType.Float32 ? 4 : 8;
}
