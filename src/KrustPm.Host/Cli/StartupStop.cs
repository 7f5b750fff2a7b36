using System.Runtime.InteropServices;

namespace KrustPm.Host.Cli;

/// <summary>
/// Catches SIGTERM and SIGINT from the first line of <c>Main</c>, before the web host has its own handlers: without
/// it a stop in the first moments would end krust-pm by the signal's default action (or, once the host starts,
/// cancel its start-up into an exception). For <c>run</c>, a stop asked for during start-up is a clean stop (exit 0);
/// every other command gives the signals back to their default action as soon as it is known
/// (<see cref="Release"/>). Only the runtime's own start, before <c>Main</c>, is left to the default action.
/// </summary>
internal sealed class StartupStop : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    private StartupStop()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    /// <summary>Cancelled at the first SIGTERM or SIGINT.</summary>
    public CancellationToken Token => _stop.Token;

    public bool Requested => _stop.IsCancellationRequested;

    /// <summary>Starts catching SIGTERM and SIGINT.</summary>
    public static StartupStop Catch() => new();

    /// <summary>
    /// For a command other than <c>run</c>: the signals get their default action back, and one that came meanwhile
    /// ends the process as it would have (exit code 128 + signal).
    /// </summary>
    public void Release()
    {
        DisposeRegistrations();
        if (Volatile.Read(ref _signal) is var signal and > 0)
        {
            Environment.Exit(128 + signal);
        }
    }

    public void Dispose()
    {
        DisposeRegistrations();
        _stop.Dispose();
    }

    private void DisposeRegistrations()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // not the default action: krust-pm stops on its own, cleanly
        Interlocked.CompareExchange(ref _signal, context.Signal == PosixSignal.SIGINT ? 2 : 15, 0);
        _stop.Cancel();
    }
}
