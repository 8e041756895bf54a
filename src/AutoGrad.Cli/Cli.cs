using System.CommandLine;
using AutoGrad.Cli.Commands;
using AutoGrad.IO;

namespace AutoGrad.Cli;

/// <summary>Builds the command tree and runs it; user errors become one line on stderr and exit code 1.</summary>
public static class Cli
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where errors go (one line each, no stack trace).</param>
    /// <param name="interactive">Show progress bars (a terminal) instead of plain lines.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive = false)
    {
        var root = new RootCommand("autograd: train, evaluate and sample from neural networks built on the AutoGrad library");
        root.Subcommands.Add(TrainCommand.Create(output, interactive));
        root.Subcommands.Add(EvaluateCommand.Create(output));
        root.Subcommands.Add(GenerateCommand.Create(output));
        root.Subcommands.Add(ExportCommand.Create(output));
        root.Subcommands.Add(BenchCommand.Create(output));
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
            {
                string command = parsed.CommandResult.Command == root ? "autograd" : $"autograd {parsed.CommandResult.Command.Name}";
                var messages = string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')).Distinct());
                error.WriteLine($"error: {messages} (run '{command} --help' for the options and their defaults)");
                return 1;
            }
            return parsed.Invoke(config);
        }
        catch (TrainingInterrupted e)
        {
            error.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (UserError e)
        {
            error.WriteLine($"error: {OneLine(e)}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or CheckpointException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {OneLine(e)}");
            return 1;
        }
    }

    /// <summary>
    /// An exception's message as one line: without the " (Parameter 'name')" and "Actual value
    /// was ..." that .NET appends to argument exceptions (the library's messages already name the
    /// argument and its value), and with any other line breaks turned into spaces.
    /// </summary>
    public static string OneLine(Exception e)
    {
        string m = e.Message;
        if (e is ArgumentException a)
        {
            if (a.ParamName is { } p && m.IndexOf($" (Parameter '{p}')", StringComparison.Ordinal) is >= 0 and int i) m = m[..i];
            if (a is ArgumentOutOfRangeException && m.IndexOf('\n') is >= 0 and int j) m = m[..j];
        }
        return string.Join(" ", m.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>A problem with the user's input (options, files), or a run that failed (training diverged): reported as one line, no stack trace.</summary>
/// <param name="message">What went wrong and how to fix it.</param>
/// <param name="exitCode">The process's exit code: 1 for bad input, <see cref="Diverged"/> when training diverged.</param>
public sealed class UserError(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>The exit code of a run whose training diverged (a NaN or infinite loss or weight).</summary>
    public const int Diverged = 3;

    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>A signal stopped training: the message (one line, on stderr) says where and what was saved; the exit code is 128 + the signal number.</summary>
public sealed class TrainingInterrupted(string message, int exitCode) : Exception(message)
{
    /// <summary>130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode { get; } = exitCode;
}
