namespace AutoGrad.Cli;

/// <summary>The <c>autograd</c> program: train, evaluate and bench models built on the library.</summary>
public static class Program
{
    public static int Main(string[] args) =>
        Cli.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive);
}
