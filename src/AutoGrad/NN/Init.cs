using AutoGrad.Autograd;

namespace AutoGrad.NN;

/// <summary>
/// Weight initialization schemes. Each fills a tensor in place (without recording on the tape)
/// and returns it; the random ones draw from the caller's seeded <see cref="Generator"/> in
/// row-major element order, so a seed gives the same weights on every machine.
/// </summary>
/// <remarks>
/// Fan-in and fan-out follow <see cref="Linear"/>'s layout: a weight matrix is [in, out], so
/// fan_in = shape[0] and fan_out = shape[1]. A vector [n] has fan_in = fan_out = n. A convolution
/// weight [out, in/groups, k…] (<see cref="Conv2d"/>, <see cref="Conv1d"/>, as in PyTorch) has
/// fan_in = in/groups·∏k and fan_out = out·∏k. Pass the fans explicitly (the overloads taking
/// fanIn/fanOut) for any other layout.
/// </remarks>
public static class Init
{
    /// <summary>(fan_in, fan_out) of a weight of the given shape: a [in, out] matrix, a vector, or a convolution weight [out, in/groups, k…].</summary>
    /// <exception cref="ArgumentException">The shape is a scalar, or has a zero dimension.</exception>
    public static (int FanIn, int FanOut) Fans(ReadOnlySpan<int> shape)
    {
        var fans = shape.Length switch
        {
            1 => (shape[0], shape[0]),
            2 => (shape[0], shape[1]),
            0 => throw new ArgumentException($"Init: fan_in/fan_out are defined for a [in, out] matrix, a vector or a convolution weight [out, in/groups, k...], got shape {Shapes.Format(shape)}; pass fanIn and fanOut explicitly", nameof(shape)),
            _ => (shape[1] * Shapes.Numel(shape[2..]), shape[0] * Shapes.Numel(shape[2..])),
        };
        if (fans.Item1 <= 0 || fans.Item2 <= 0)
            throw new ArgumentException($"Init: shape {Shapes.Format(shape)} has a zero dimension, so fan_in/fan_out are undefined", nameof(shape));
        return fans;
    }

    /// <summary>Fills with draws from N(mean, std²).</summary>
    /// <exception cref="ArgumentOutOfRangeException">std is negative or not finite, or mean is not finite.</exception>
    public static Tensor Normal(Tensor tensor, double mean, double std, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        Guard.Finite("Init.Normal", nameof(mean), mean);
        Guard.NonNegativeNumber("Init.Normal", nameof(std), std);
        Write(tensor, "Init.Normal", _ => mean + std * generator.NextNormal());
        return tensor;
    }

    /// <summary>Fills with draws from U[a, b).</summary>
    /// <exception cref="ArgumentOutOfRangeException">a &gt; b or a bound is not finite.</exception>
    public static Tensor Uniform(Tensor tensor, double a, double b, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(generator);
        if (!(double.IsFinite(a) && double.IsFinite(b) && a <= b))
            throw new ArgumentOutOfRangeException(nameof(b), b, $"Init.Uniform: need finite a <= b, got a {a}, b {b}");
        Write(tensor, "Init.Uniform", _ => a + (b - a) * generator.NextDouble());
        return tensor;
    }

    /// <summary>Fills with zeros: every unit of a layer then computes the same thing (the symmetry problem of the notes).</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with one value: like <see cref="Zeros"/>, hidden units stay identical under gradient descent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite.</exception>
    public static Tensor Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Guard.Finite("Init.Constant", nameof(value), value);
        Write(tensor, "Init.Constant", _ => value);
        return tensor;
    }

    /// <summary>
    /// The notes' rule: N(0, 1/fan_in), i.e. std = 1/√fan_in ("smaller for arcs that go to a node
    /// with a large number of incoming arcs", note 001 L214-217, whose literal "sqrt(n)" is a typo
    /// for 1/sqrt(n)). Also known as LeCun normal. The default of <see cref="Linear"/>.
    /// </summary>
    public static Tensor LeCunNormal(Tensor tensor, Generator generator) =>
        LeCunNormal(tensor, Fans(tensor.Shape).FanIn, generator);

    /// <summary>N(0, 1/fan_in) with an explicit fan_in.</summary>
    /// <exception cref="ArgumentOutOfRangeException">fanIn is not positive.</exception>
    public static Tensor LeCunNormal(Tensor tensor, int fanIn, Generator generator)
    {
        Guard.Positive("Init.LeCunNormal", nameof(fanIn), fanIn);
        return Normal(tensor, 0, 1 / Math.Sqrt(fanIn), generator);
    }

    /// <summary>Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2/(fan_in + fan_out)); keeps activation variance through tanh/sigmoid layers.</summary>
    public static Tensor XavierNormal(Tensor tensor, Generator generator, double gain = 1)
    {
        var (fi, fo) = Fans(tensor.Shape);
        return XavierNormal(tensor, fi, fo, generator, gain);
    }

    /// <summary>Xavier/Glorot normal with explicit fans.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A fan or the gain is not positive.</exception>
    public static Tensor XavierNormal(Tensor tensor, int fanIn, int fanOut, Generator generator, double gain = 1)
    {
        Guard.Positive("Init.XavierNormal", nameof(fanIn), fanIn);
        Guard.Positive("Init.XavierNormal", nameof(fanOut), fanOut);
        Guard.Positive("Init.XavierNormal", nameof(gain), gain);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }

    /// <summary>Xavier/Glorot uniform: U[−a, a) with a = gain·√(6/(fan_in + fan_out)) (same variance as <see cref="XavierNormal(Tensor, Generator, double)"/>).</summary>
    public static Tensor XavierUniform(Tensor tensor, Generator generator, double gain = 1)
    {
        var (fi, fo) = Fans(tensor.Shape);
        return XavierUniform(tensor, fi, fo, generator, gain);
    }

    /// <summary>Xavier/Glorot uniform with explicit fans.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A fan or the gain is not positive.</exception>
    public static Tensor XavierUniform(Tensor tensor, int fanIn, int fanOut, Generator generator, double gain = 1)
    {
        Guard.Positive("Init.XavierUniform", nameof(fanIn), fanIn);
        Guard.Positive("Init.XavierUniform", nameof(fanOut), fanOut);
        Guard.Positive("Init.XavierUniform", nameof(gain), gain);
        double a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, -a, a, generator);
    }

    /// <summary>He/Kaiming normal: N(0, 2/fan_in); keeps activation variance through ReLU layers (which zero half their inputs).</summary>
    public static Tensor HeNormal(Tensor tensor, Generator generator) => HeNormal(tensor, Fans(tensor.Shape).FanIn, generator);

    /// <summary>He/Kaiming normal with an explicit fan_in.</summary>
    /// <exception cref="ArgumentOutOfRangeException">fanIn is not positive.</exception>
    public static Tensor HeNormal(Tensor tensor, int fanIn, Generator generator)
    {
        Guard.Positive("Init.HeNormal", nameof(fanIn), fanIn);
        return Normal(tensor, 0, Math.Sqrt(2.0 / fanIn), generator);
    }

    /// <summary>He/Kaiming uniform: U[−a, a) with a = √(6/fan_in) (variance 2/fan_in).</summary>
    public static Tensor HeUniform(Tensor tensor, Generator generator) => HeUniform(tensor, Fans(tensor.Shape).FanIn, generator);

    /// <summary>He/Kaiming uniform with an explicit fan_in.</summary>
    /// <exception cref="ArgumentOutOfRangeException">fanIn is not positive.</exception>
    public static Tensor HeUniform(Tensor tensor, int fanIn, Generator generator)
    {
        Guard.Positive("Init.HeUniform", nameof(fanIn), fanIn);
        double a = Math.Sqrt(6.0 / fanIn);
        return Uniform(tensor, -a, a, generator);
    }

    // Initialization rewrites a parameter's storage: it bumps the version (so a graph that saved
    // the old values refuses to backpropagate) and is not refused while the tape records. It is a
    // launch, so a captured step that initializes writes (and draws) again at every replay.
    private static void Write(Tensor tensor, string op, Func<int, double> value) => Launch.Run(new WriteLaunch(tensor, value), tensor);

    private readonly struct WriteLaunch(Tensor tensor, Func<int, double> value) : ILaunch
    {
        public void Run()
        {
            tensor.Storage.Version++;
            for (int i = 0; i < tensor.Numel; i++) tensor.SetFlat(i, value(i));
        }
    }
}
