using AutoGrad.Memory;

namespace AutoGrad;

// Inside StepPlan.Capture each creation function also records how to recreate its contents at
// replay: constants from a snapshot, FromArray from the (live) source array, random tensors by
// drawing again from the generator, OneHot from the registered label array.

public sealed partial class Tensor
{
    /// <summary>A float32 tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(DType.Float32, shape);

    /// <summary>A tensor of zeros with the given dtype.</summary>
    /// <exception cref="ShapeException">A dimension is negative.</exception>
    public static Tensor Zeros(DType dtype, params int[] shape)
    {
        Check.ValidShape("Zeros", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        StepTrace.Current?.Clear(t);
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
        Check.ValidShape("Full", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        if (value != 0)
        {
            if (dtype == DType.Float32) t.SpanF.Fill((float)value); else t.SpanD.Fill(value);
        }
        StepTrace.Current?.Fill(t, value);
        return t;
    }

    /// <summary>A zero tensor with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like)
    {
        var t = Allocate(like.ShapeArray, like.DType);
        StepTrace.Current?.Clear(t);
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
        for (int i = 0; i < n; i++) t.SetFlat(i, start + i * step);
        StepTrace.Current?.Constant(t);
        return t;
    }

    /// <summary>0, 1, ..., n-1 (1-d).</summary>
    public static Tensor Arange(int n, DType dtype = DType.Float32) => Arange(0, n, 1, dtype);

    /// <summary><paramref name="count"/> evenly spaced values from start to stop inclusive.</summary>
    public static Tensor Linspace(double start, double stop, int count, DType dtype = DType.Float32)
    {
        Check.NonNegative("Linspace", nameof(count), count);
        var t = Allocate([count], dtype);
        for (int i = 0; i < count; i++) t.SetFlat(i, count == 1 ? start : start + (stop - start) * i / (count - 1));
        StepTrace.Current?.Constant(t);
        return t;
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(int n, DType dtype = DType.Float32)
    {
        Check.NonNegative("Eye", nameof(n), n);
        var t = Allocate([n, n], dtype);
        for (int i = 0; i < n; i++) t.SetFlat(i * n + i, 1);
        StepTrace.Current?.Constant(t);
        return t;
    }

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-d).</summary>
    /// <exception cref="ShapeException">The shape's element count differs from the data length.</exception>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        var s = ShapeFor("FromArray", data.Length, shape);
        var t = new Tensor(s, DType.Float32, new Storage((float[])data.Clone()));
        if (StepTrace.Current is { } trace) TraceFromArray(trace, t, data);
        return t;
    }

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-d).</summary>
    /// <exception cref="ShapeException">The shape's element count differs from the data length.</exception>
    public static Tensor FromArray(double[] data, params int[] shape)
    {
        var s = ShapeFor("FromArray", data.Length, shape);
        var t = new Tensor(s, DType.Float64, new Storage((double[])data.Clone()));
        if (StepTrace.Current is { } trace) TraceFromArray(trace, t, data);
        return t;
    }

    /// <summary>A float32 matrix from a 2-d array.</summary>
    public static Tensor FromArray(float[,] data)
    {
        var t = Allocate([data.GetLength(0), data.GetLength(1)], DType.Float32);
        FillFrom(t, data);
        StepTrace.Current?.Add(Refill(t, data));
        return t;
    }

    private static Action Refill(Tensor t, float[,] data) => () => FillFrom(t, data);

    private static void FillFrom(Tensor t, float[,] data)
    {
        int r = data.GetLength(0), c = data.GetLength(1);
        var s = t.SpanF;
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) s[i * c + j] = data[i, j];
    }

    /// <summary>A float64 matrix from a 2-d array.</summary>
    public static Tensor FromArray(double[,] data)
    {
        var t = Allocate([data.GetLength(0), data.GetLength(1)], DType.Float64);
        FillFrom(t, data);
        StepTrace.Current?.Add(Refill(t, data));
        return t;
    }

    private static Action Refill(Tensor t, double[,] data) => () => FillFrom(t, data);

    private static void FillFrom(Tensor t, double[,] data)
    {
        int r = data.GetLength(0), c = data.GetLength(1);
        var s = t.SpanD;
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) s[i * c + j] = data[i, j];
    }

    /// <summary>A tensor of the given dtype from values given as doubles (handy in tests and examples).</summary>
    public static Tensor From(DType dtype, double[] data, params int[] shape)
    {
        var s = ShapeFor("From", data.Length, shape);
        var t = Allocate(s, dtype);
        FillFrom(t, data);
        StepTrace.Current?.Add(Refill(t, data));
        return t;
    }

    private static Action Refill(Tensor t, double[] data) => () => FillFrom(t, data);

    private static void FillFrom(Tensor t, double[] data)
    {
        for (int i = 0; i < data.Length; i++) t.SetFlat(i, data[i]);
    }

    private static void TraceFromArray(StepTrace trace, Tensor t, float[] data)
    {
        trace.Owns(t.Storage);
        trace.Add(() => data.CopyTo(t.SpanF));
    }

    private static void TraceFromArray(StepTrace trace, Tensor t, double[] data)
    {
        trace.Owns(t.Storage);
        trace.Add(() => data.CopyTo(t.SpanD));
    }

    private static int[] ShapeFor(string op, int length, int[] shape)
    {
        if (shape.Length == 0) return [length];
        Check.ValidShape(op, shape);
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
        Arguments.NonNegative("Normal", nameof(std), std);
        Check.ValidShape("Normal", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        DrawNormal(t, generator, mean, std);
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
        Check.ValidShape("Uniform", shape);
        var t = Allocate((int[])shape.Clone(), dtype);
        DrawUniform(t, generator, low, high);
        return t;
    }

    // Random draws are step actions: a replay draws again, in the order the eager step would.
    private static void DrawNormal(Tensor t, Generator generator, double mean, double std)
    {
        if (StepTrace.Current is { } trace) { trace.RunAndRecord(Redraw(t, generator, mean, std, normal: true)); return; }
        for (int i = 0; i < t.Numel; i++) t.SetFlat(i, mean + std * generator.NextNormal());
    }

    private static void DrawUniform(Tensor t, Generator generator, double low, double high)
    {
        if (StepTrace.Current is { } trace) { trace.RunAndRecord(Redraw(t, generator, low, high, normal: false)); return; }
        for (int i = 0; i < t.Numel; i++) t.SetFlat(i, low + (high - low) * generator.NextDouble());
    }

    private static Action Redraw(Tensor t, Generator generator, double a, double b, bool normal) =>
        normal ? () => DrawNormal(t, generator, a, b) : () => DrawUniform(t, generator, a, b);

    /// <summary>
    /// A one-hot matrix [labels.Length, classes]: row i has a 1 at column labels[i]. Not
    /// differentiable (labels are integers).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes).</exception>
    public static Tensor OneHot(ReadOnlySpan<int> labels, int classes, DType dtype = DType.Float32)
    {
        Check.Positive("OneHot", nameof(classes), classes);
        var t = Allocate([labels.Length, classes], dtype);
        FillOneHot(t, labels, classes);
        if (StepTrace.Current is { } trace) TraceOneHot(trace, t, trace.Index("OneHot", labels), classes);
        return t;
    }

    private static void FillOneHot(Tensor t, ReadOnlySpan<int> labels, int classes)
    {
        Check.Labels("OneHot", labels, classes);
        for (int i = 0; i < labels.Length; i++) t.SetFlat(i * classes + labels[i], 1);
    }

    private static void TraceOneHot(StepTrace trace, Tensor t, ReadOnlyMemory<int> labels, int classes) => trace.Add(() =>
    {
        if (t.DType == DType.Float32) t.SpanF.Clear(); else t.SpanD.Clear();
        FillOneHot(t, labels.Span, classes);
    });
}
