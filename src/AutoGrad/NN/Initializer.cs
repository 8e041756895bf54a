namespace AutoGrad.NN;

/// <summary>
/// A weight-initialization choice that layers accept (<c>new Linear(3, 2, gen, Initializer.HeNormal)</c>):
/// one of the schemes of <see cref="Init"/>, applied to a weight in the [in, out] layout.
/// </summary>
public sealed class Initializer
{
    private readonly Action<Tensor, Generator> _apply;

    private Initializer(string name, Action<Tensor, Generator> apply)
    {
        Name = name;
        _apply = apply;
    }

    /// <summary>The scheme and its parameters, e.g. <c>uniform(-0.1, 0.1)</c>.</summary>
    public string Name { get; }

    /// <summary>Fills <paramref name="weight"/> in place, drawing from <paramref name="generator"/>.</summary>
    public void Apply(Tensor weight, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(generator);
        _apply(weight, generator);
    }

    /// <summary>The notes' N(0, 1/fan_in) (<see cref="Init.LeCunNormal(Tensor, Generator)"/>); the default.</summary>
    public static Initializer LeCunNormal { get; } = new("lecun_normal", (t, g) => Init.LeCunNormal(t, g));

    /// <summary>Xavier/Glorot normal, N(0, 2/(fan_in + fan_out)).</summary>
    public static Initializer XavierNormal { get; } = new("xavier_normal", (t, g) => Init.XavierNormal(t, g));

    /// <summary>Xavier/Glorot uniform, U[−√(6/(fan_in + fan_out)), √(6/(fan_in + fan_out))).</summary>
    public static Initializer XavierUniform { get; } = new("xavier_uniform", (t, g) => Init.XavierUniform(t, g));

    /// <summary>He/Kaiming normal, N(0, 2/fan_in).</summary>
    public static Initializer HeNormal { get; } = new("he_normal", (t, g) => Init.HeNormal(t, g));

    /// <summary>He/Kaiming uniform, U[−√(6/fan_in), √(6/fan_in)).</summary>
    public static Initializer HeUniform { get; } = new("he_uniform", (t, g) => Init.HeUniform(t, g));

    /// <summary>N(0, 1), as in note 002 ("θ ~ N(0, 1)"); too large for wide layers, kept for reproducing the notes.</summary>
    public static Initializer StandardNormal { get; } = new("standard_normal", (t, g) => Init.Normal(t, 0, 1, g));

    /// <summary>All zeros: demonstrates the symmetry problem (every hidden unit stays identical).</summary>
    public static Initializer Zeros { get; } = new("zeros", (t, _) => Init.Zeros(t));

    /// <summary>U[a, b).</summary>
    /// <exception cref="ArgumentOutOfRangeException">a &gt; b or a bound is not finite.</exception>
    public static Initializer Uniform(double a, double b)
    {
        if (!(double.IsFinite(a) && double.IsFinite(b) && a <= b))
            throw new ArgumentOutOfRangeException(nameof(b), b, $"Initializer.Uniform: need finite a <= b, got a {a}, b {b}");
        return new($"uniform({a}, {b})", (t, g) => Init.Uniform(t, a, b, g));
    }

    /// <summary>N(mean, std²).</summary>
    /// <exception cref="ArgumentOutOfRangeException">std is negative or a value is not finite.</exception>
    public static Initializer Normal(double mean, double std)
    {
        Guard.Finite("Initializer.Normal", nameof(mean), mean);
        Guard.NonNegativeNumber("Initializer.Normal", nameof(std), std);
        return new($"normal({mean}, {std})", (t, g) => Init.Normal(t, mean, std, g));
    }

    /// <summary>Every weight equal to <paramref name="value"/> (symmetric, like <see cref="Zeros"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite.</exception>
    public static Initializer Constant(double value)
    {
        Guard.Finite("Initializer.Constant", nameof(value), value);
        return new($"constant({value})", (t, _) => Init.Constant(t, value));
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
