using System.Runtime.InteropServices;

namespace AutoGrad.Cli.Training;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM during training: the first one does not kill the process but is
/// recorded, and the training loops stop after the step that is running (a step is never cut in
/// half); <c>autograd train</c> then saves the last completed epoch's model (with <c>--save</c>)
/// and exits with 128 + the signal number (130, 143). A second signal terminates at once, as if
/// no handler were installed.
/// </summary>
/// <remarks>
/// <see cref="Listen"/> installs the handlers for the lifetime of the object (the training loop);
/// outside it the signals keep their default effect. <see cref="Request"/> sets the flag directly,
/// for tests and for hosts that stop training another way.
/// </remarks>
public sealed class Interrupt : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private volatile int _signal;

    /// <summary>A flag nothing sets but <see cref="Request"/> (no handlers installed).</summary>
    public Interrupt()
    {
    }

    /// <summary>Installs the SIGINT and SIGTERM handlers until disposed.</summary>
    public static Interrupt Listen()
    {
        var interrupt = new Interrupt();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                interrupt._registrations.Add(PosixSignalRegistration.Create(signal, interrupt.Handle));
            }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException)
            {
                // No handler on this platform: the signal keeps its default effect.
            }
        }
        return interrupt;
    }

    /// <summary>Whether a signal has arrived.</summary>
    public bool Requested => _signal != 0;

    /// <summary>The signal that arrived (SIGINT or SIGTERM), or null.</summary>
    public PosixSignal? Signal => _signal == 0 ? null : (PosixSignal)_signal;

    /// <summary>The signal's name: "SIGINT" (Ctrl-C) or "SIGTERM".</summary>
    public string SignalName => Signal switch
    {
        PosixSignal.SIGINT => "SIGINT",
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal s => s.ToString(),
        null => "no signal",
    };

    /// <summary>The exit code of a process stopped by the signal, by the shell's convention 128 + its number: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Signal switch
    {
        PosixSignal.SIGINT => 130,
        PosixSignal.SIGTERM => 143,
        _ => 1,
    };

    /// <summary>Records <paramref name="signal"/> as if it had arrived (the first one recorded stays).</summary>
    public void Request(PosixSignal signal) => Interlocked.CompareExchange(ref _signal, (int)signal, 0);

    private void Handle(PosixSignalContext context)
    {
        // The first signal asks the loop to stop after its step; a second one is not cancelled, so it terminates the process.
        if (Requested) return;
        context.Cancel = true;
        Request(context.Signal);
    }

    /// <summary>Removes the handlers: the signals get their default effect again.</summary>
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _registrations.Clear();
    }
}
