namespace AutoGrad;

/// <summary>
/// The flat, row-major buffer behind one or more tensors (a reshape or detach shares it). Holds
/// the version counter that lets the tape notice a saved tensor modified in place.
/// </summary>
internal sealed class Storage
{
    public float[]? F;
    public double[]? D;

    /// <summary>Bumped by every in-place write; ops remember it when they save a tensor.</summary>
    public int Version;

    public Storage(float[] data) => F = data;

    public Storage(double[] data) => D = data;

    public static Storage Allocate(DType dtype, int count) =>
        dtype == DType.Float32 ? new Storage(count == 0 ? [] : new float[count]) : new Storage(count == 0 ? [] : new double[count]);
}
