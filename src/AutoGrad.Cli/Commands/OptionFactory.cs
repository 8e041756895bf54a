using System.CommandLine;
using System.Globalization;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// Numeric options whose parse errors say what is expected in words ("--epochs takes a whole
/// number, got 'abc'") instead of naming a .NET type.
/// </summary>
internal static class OptionFactory
{
    public static Option<int> Int(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => int.TryParse(Token(r), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : Fail<int>(r, name, "a whole number"),
    };

    public static Option<ulong> ULong(string name, string description, ulong defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ulong.TryParse(Token(r), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : Fail<ulong>(r, name, "a whole number ≥ 0"),
    };

    public static Option<double> Double(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => double.TryParse(Token(r), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : Fail<double>(r, name, "a number"),
    };

    private static string Token(System.CommandLine.Parsing.ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";

    private static T Fail<T>(System.CommandLine.Parsing.ArgumentResult r, string name, string what)
    {
        r.AddError($"{name} takes {what}, got '{Token(r)}'");
        return default!;
    }
}
