using System.Diagnostics;
using System.Text;

namespace AutoGrad.Cli.Tests.Commands;

/// <summary>
/// SIGINT and SIGTERM sent to a real <c>autograd train</c> process (the built autograd.dll run by
/// <c>dotnet</c>) once it has printed its first epoch: it stops after the running step, saves the
/// last completed epoch's model with --save, says so, and exits 130 or 143. No timing thresholds:
/// the waits are generous timeouts only.
/// </summary>
public class InterruptTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private static string Dll => typeof(AutoGrad.Cli.Cli).Assembly.Location;

    /// <summary>
    /// A shell without job control starts background commands with SIGINT ignored, and a child
    /// inherits that; coreutils' env --default-signal gives the child the default disposition back
    /// (as a terminal's foreground process has it), so the signal reaches the program's handler.
    /// </summary>
    private static bool EnvResetsSignals { get; } = CanRun("env", "--default-signal=INT true");

    private static bool CanRun(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit(30_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }

    private static (int Exit, string Out, string Err) TrainAndSignal(string signal, params string[] args)
    {
        var psi = new ProcessStartInfo(EnvResetsSignals ? "env" : "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (EnvResetsSignals)
        {
            psi.ArgumentList.Add("--default-signal=INT");
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(Dll);
        psi.ArgumentList.Add("train");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        using var firstEpoch = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("epoch ", StringComparison.Ordinal)) firstEpoch.Set();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.True(firstEpoch.Wait(Patience), $"no epoch line within {Patience}: {output}{error}");
            using (var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {process.Id}") { UseShellExecute = false })!)
                kill.WaitForExit();
            Assert.True(process.WaitForExit(Patience), $"still running {Patience} after SIG{signal}: {output}{error}");
            process.WaitForExit(); // flushes the redirected streams
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        lock (output) lock (error) return (process.ExitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void SigintStopsTrainingSavesTheLastCompletedEpochAndExits130()
    {
        using var dir = new TempDir();
        var path = dir.File("m.ckpt");
        var (exit, output, err) = TrainAndSignal("INT", "--epochs", "100000", "--save", path);
        Assert.True(exit == 130, $"exit {exit}: {err}");
        Assert.Matches(@"^interrupted by SIGINT (in epoch \d+ after step \d+ of \d+ \(the rest of that epoch was not run, and its steps were discarded\)|after epoch \d+); saved the model of epoch \d+, the last completed one, and its adam optimizer state to ", err.Trim());
        Assert.DoesNotContain("test accuracy", output);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(dir.Path, ".*")));

        // The checkpoint is a whole, loadable model, and it is the epoch the message names.
        int saved = int.Parse(System.Text.RegularExpressions.Regex.Match(err, @"saved the model of epoch (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"epoch {saved,6}/100000", output);
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Matches(@"^test accuracy: \d+\.\d\d%$", CliRunner.LastLine(eval.Out));
        var file = AutoGrad.IO.Checkpoint.Read(path);
        Assert.Equal(saved * 41L, file.Optimizer!.Step); // 1294 training rows in batches of 32: 41 steps per epoch
    }

    [Fact]
    public void SigtermStopsARecurrentModelTooAndExits143()
    {
        using var dir = new TempDir();
        var path = dir.File("lstm.ckpt");
        var (exit, _, err) = TrainAndSignal("TERM", "--model", "lstm", "--dataset", "sunspots", "--hidden", "8", "--epochs", "100000", "--save", path);
        Assert.True(exit == 143, $"exit {exit}: {err}");
        Assert.Matches(@"^interrupted by SIGTERM .*; saved the model of epoch \d+, the last completed one, and its adam optimizer state to ", err.Trim());
        var eval = CliRunner.Run("evaluate", "--load", path);
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.StartsWith("test ARV: ", CliRunner.LastLine(eval.Out));
    }

    [Fact]
    public void WithoutSaveItSaysNothingWasSaved()
    {
        var (exit, _, err) = TrainAndSignal("TERM", "--epochs", "100000");
        Assert.Equal(143, exit);
        Assert.EndsWith("; nothing was saved (no --save)", err.Trim());
    }
}
