namespace AutoGrad;

// Creation functions allocate a buffer that is never recycled and fill it through the launch
// funnel, so a captured step recreates the same contents at replay: constants by running their
// fill again, FromArray and From from the (live) source array, random tensors by drawing again
// from the generator, OneHot from the registered label array.

public sealed partial class Tensor
{
    /// <summary>A float32 tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(DType.Float32, shape);

    /// <summary>A tensor of zeros with the given dtype.</summary>
    /// <exception cref="ShapeException">A dimension is negative.</exception>
    public static Tensor Zeros(DType dtype, params int[] shape)
    {
        Guard.ValidShape("Zeros", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        Launch.RecordOnly(new ClearLaunch(t));
        return t;
    }

    /// <summary>A float32 tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1.0, DType.Float32, shape);

    /// <summary>A tensor of ones with the given dtype.</summary>
    public static Tensor Ones(DType dtype, params int[] shape) => Full(1.0, dtype, shape);

    /// <summary>A float32 tensor with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(double value, params int[] shape) => Full(value, DType.Float32, shape);

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    /// <exception cref="ShapeException">A dimension is negative.</exception>
    public static Tensor Full(double value, DType dtype, params int[] shape)
    {
        Guard.ValidShape("Full", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        if (value != 0) Launch.Run(new FillLaunch(t, value));
        else Launch.RecordOnly(new ClearLaunch(t));
        return t;
    }

    /// <summary>A zero tensor with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like)
    {
        var t = Allocate(like.ShapeArray, like.DType);
        Launch.RecordOnly(new ClearLaunch(t));
        return t;
    }

    /// <summary>A tensor of ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Full(1.0, like.DType, like.ShapeArray);

    /// <summary>A 0-d (scalar) tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(value, dtype);

    /// <summary>The values start, start+step, ... below stop (1-d).</summary>
    /// <exception cref="ArgumentOutOfRangeException">step is zero or not finite.</exception>
    public static Tensor Arange(double start, double stop, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(stop))
            throw new ArgumentOutOfRangeException(nameof(step), step, $"Arange: start {start}, stop {stop} and step {step} must be finite with step != 0");
        int n = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var t = Allocate([n], dtype);
        Launch.Run(new ArangeLaunch(t, start, step));
        return t;
    }

    /// <summary>0, 1, ..., n-1 (1-d).</summary>
    public static Tensor Arange(int n, DType dtype = DType.Float32) => Arange(0, n, 1, dtype);

    /// <summary><paramref name="count"/> evenly spaced values from start to stop inclusive.</summary>
    public static Tensor Linspace(double start, double stop, int count, DType dtype = DType.Float32)
    {
        Guard.NonNegative("Linspace", nameof(count), count);
        var t = Allocate([count], dtype);
        Launch.Run(new LinspaceLaunch(t, start, stop));
        return t;
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(int n, DType dtype = DType.Float32)
    {
        Guard.NonNegative("Eye", nameof(n), n);
        var t = Allocate([n, n], dtype);
        Launch.Run(new EyeLaunch(t));
        return t;
    }

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-d).</summary>
    /// <exception cref="ShapeException">The shape's element count differs from the data length.</exception>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        var s = ShapeFor("FromArray", data.Length, shape);
        var t = Allocate(s, DType.Float32);
        Launch.Run(new CopyArrayLaunch<float>(data, t));
        return t;
    }

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-d).</summary>
    /// <exception cref="ShapeException">The shape's element count differs from the data length.</exception>
    public static Tensor FromArray(double[] data, params int[] shape)
    {
        var s = ShapeFor("FromArray", data.Length, shape);
        var t = Allocate(s, DType.Float64);
        Launch.Run(new CopyArrayLaunch<double>(data, t));
        return t;
    }

    /// <summary>A float32 matrix from a 2-d array.</summary>
    public static Tensor FromArray(float[,] data)
    {
        var t = Allocate([data.GetLength(0), data.GetLength(1)], DType.Float32);
        Launch.Run(new CopyMatrixLaunch<float>(data, t));
        return t;
    }

    /// <summary>A float64 matrix from a 2-d array.</summary>
    public static Tensor FromArray(double[,] data)
    {
        var t = Allocate([data.GetLength(0), data.GetLength(1)], DType.Float64);
        Launch.Run(new CopyMatrixLaunch<double>(data, t));
        return t;
    }

    /// <summary>A tensor of the given dtype from values given as doubles (handy in tests and examples).</summary>
    public static Tensor From(DType dtype, double[] data, params int[] shape)
    {
        var s = ShapeFor("From", data.Length, shape);
        var t = Allocate(s, dtype);
        Launch.Run(new ConvertArrayLaunch(data, t));
        return t;
    }

    private static int[] ShapeFor(string op, int length, int[] shape)
    {
        if (shape.Length == 0) return [length];
        Guard.ValidShape(op, shape);
        if (Shapes.Numel(shape) != length)
            throw ShapeErrors.DataLength(op, shape, length);
        return (int[])shape.Clone();
    }

    /// <summary>Standard normal samples (float32).</summary>
    public static Tensor Randn(Generator generator, params int[] shape) => Normal(generator, 0, 1, DType.Float32, shape);

    /// <summary>Normal samples with the given mean and standard deviation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">std is negative or not finite.</exception>
    public static Tensor Normal(Generator generator, double mean, double std, DType dtype, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Guard.NonNegativeNumber("Normal", nameof(std), std);
        Guard.ValidShape("Normal", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        Launch.Run(new DrawLaunch(t, generator, mean, std, normal: true));
        return t;
    }

    /// <summary>Uniform samples in [0, 1) (float32).</summary>
    public static Tensor Rand(Generator generator, params int[] shape) => Uniform(generator, 0, 1, DType.Float32, shape);

    /// <summary>Uniform samples in [low, high).</summary>
    /// <exception cref="ArgumentOutOfRangeException">high &lt; low or a bound is not finite.</exception>
    public static Tensor Uniform(Generator generator, double low, double high, DType dtype, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!(double.IsFinite(low) && double.IsFinite(high) && high >= low))
            throw new ArgumentOutOfRangeException(nameof(high), high, $"Uniform: need finite low <= high, got low {low}, high {high}");
        Guard.ValidShape("Uniform", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        Launch.Run(new DrawLaunch(t, generator, low, high, normal: false));
        return t;
    }


    /// <summary>
    /// A one-hot matrix [labels.Length, classes]: row i has a 1 at column labels[i]. Not
    /// differentiable (labels are integers).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes).</exception>
    public static Tensor OneHot(ReadOnlySpan<int> labels, int classes, DType dtype = DType.Float32)
    {
        Guard.Positive("OneHot", nameof(classes), classes);
        Guard.Labels("OneHot", labels, classes);
        var t = Allocate([labels.Length, classes], dtype);
        Launch.RunIndexed("OneHot", new OneHotLaunch(t, classes), labels);
        return t;
    }
}
