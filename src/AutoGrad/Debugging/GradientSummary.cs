namespace AutoGrad.Debugging;

/// <summary>A gradient's norm, and its values when it is small enough to read.</summary>
internal readonly record struct GradientSummary(double Norm, string? Values)
{
    public const int ValuesUpTo = 4;

    public static GradientSummary Of(Tensor g) => new(DebugText.Norm(g), g.Numel <= ValuesUpTo ? DebugText.Values(g) : null);

    public override string ToString() => Values is null ? $"norm {DebugText.Num(Norm)}" : $"norm {DebugText.Num(Norm)}, values {Values}";
}
