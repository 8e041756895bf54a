using System.CommandLine;
using AutoGrad.Cli.Commands;

namespace AutoGrad.Cli;

/// <summary>Builds the command tree and runs it; user errors become one line on stderr and exit code 1.</summary>
public static class Cli
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("autograd: train and evaluate neural networks built on the AutoGrad library");
        root.Subcommands.Add(TrainCommand.Create(output));
        root.Subcommands.Add(BenchCommand.Create(output));
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return root.Parse(args).Invoke(config);
        }
        catch (UserError e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}

/// <summary>A problem with the user's input (options, files): reported as one line, no stack trace.</summary>
public sealed class UserError(string message) : Exception(message);
