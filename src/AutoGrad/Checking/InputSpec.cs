namespace AutoGrad.Checking;

/// <summary>
/// How <see cref="GradProperty"/> draws one input: a shape template and a value domain.
/// </summary>
/// <remarks>
/// The shape is a comma-separated list of dimensions, each a fixed size (<c>3</c>) or a name
/// (<c>n</c>). A name stands for the same random size in every input that uses it, which is how
/// inputs are made compatible: a matmul is <c>InputSpec.Of("n, k")</c> and
/// <c>InputSpec.Of("k, m")</c>. A name followed by <c>?</c> (<c>"n?, d"</c>) is that size or 1,
/// at random, to exercise broadcasting. The empty string is a scalar. Values are uniform in
/// [<see cref="Min"/>, <see cref="Max"/>], outside (−<see cref="AvoidZero"/>, <see cref="AvoidZero"/>).
/// </remarks>
/// <example>
/// <code>
/// InputSpec[] specs =
/// [
///     InputSpec.Of("n, d"),                // any values in [-2, 2]
///     InputSpec.Of("d").Positive(),        // a scale: values in [0.1, 3]
///     InputSpec.Of("n").Constant(),        // data: not differentiated
/// ];
/// </code>
/// </example>
public sealed record InputSpec
{
    /// <summary>The shape template, e.g. <c>"n, d"</c>, <c>"3, k"</c>, <c>"n?, d"</c>, or <c>""</c> for a scalar.</summary>
    public string Shape { get; init; } = "";

    /// <summary>Smallest value drawn. Default −2.</summary>
    public double Min { get; init; } = -2;

    /// <summary>Largest value drawn. Default 2.</summary>
    public double Max { get; init; } = 2;

    /// <summary>Values are drawn with |x| ≥ this (0: no gap). For divisors and negative powers.</summary>
    public double AvoidZero { get; init; }

    /// <summary>Whether the input is differentiated (default) or held constant.</summary>
    public bool Differentiable { get; init; } = true;

    /// <summary>The input's name in reports (default <c>x0</c>, <c>x1</c>, ...).</summary>
    public string? Name { get; init; }

    /// <summary>An input with the given shape template and values in [−2, 2].</summary>
    public static InputSpec Of(string shape) => new() { Shape = shape };

    /// <summary>A scalar input with values in [−2, 2].</summary>
    public static InputSpec Scalar() => new();

    /// <summary>Values uniform in [min, max].</summary>
    public InputSpec Between(double min, double max) => this with { Min = min, Max = max };

    /// <summary>Values in [0.1, 3] (log, sqrt, scales).</summary>
    public InputSpec Positive() => Between(0.1, 3);

    /// <summary>Values with |x| ≥ <paramref name="margin"/> (divisors).</summary>
    public InputSpec NonZero(double margin = 0.25) => this with { AvoidZero = margin };

    /// <summary>Held constant: not differentiated (data, targets, masks).</summary>
    public InputSpec Constant() => this with { Differentiable = false };

    /// <summary>The name used in reports.</summary>
    public InputSpec Named(string name) => this with { Name = name };

    /// <summary>Whether a value lies in the domain.</summary>
    public bool Allows(double v) => v >= Min && v <= Max && Math.Abs(v) >= AvoidZero;

    /// <summary>The dimensions of the template: (name or null, fixed size, may be 1).</summary>
    internal (string? Name, int Size, bool Broadcast)[] ParseShape(int input)
    {
        if (string.IsNullOrWhiteSpace(Shape)) return [];
        var tokens = Shape.Split(',');
        var dims = new (string?, int, bool)[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            var t = tokens[i].Trim();
            bool broadcast = t.EndsWith('?');
            if (broadcast) t = t[..^1].TrimEnd();
            if (int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size) && !broadcast)
                dims[i] = (null, size, false);
            else if (t.Length > 0 && (char.IsLetter(t[0]) || t[0] == '_') && t.All(c => char.IsLetterOrDigit(c) || c == '_'))
                dims[i] = (t, 0, broadcast);
            else
                throw new ArgumentException(
                    $"GradProperty: input {input}'s shape \"{Shape}\" has an invalid dimension \"{tokens[i].Trim()}\" (expected a size like 3, a name like n, or a name with ? like n?)", nameof(Shape));
        }
        return dims;
    }

    internal void Validate(int input)
    {
        if (!double.IsFinite(Min) || !double.IsFinite(Max) || Min > Max)
            throw new ArgumentException($"GradProperty: input {input} needs finite Min <= Max, got Min {Min}, Max {Max}", nameof(Min));
        if (!(AvoidZero >= 0) || !double.IsFinite(AvoidZero))
            throw new ArgumentException($"GradProperty: input {input}'s AvoidZero must be a finite number >= 0, got {AvoidZero}", nameof(AvoidZero));
        if (Max < AvoidZero && Min > -AvoidZero)
            throw new ArgumentException($"GradProperty: input {input} has no value to draw: [{Min}, {Max}] lies inside the gap (-{AvoidZero}, {AvoidZero})", nameof(AvoidZero));
        ParseShape(input);
    }
}
