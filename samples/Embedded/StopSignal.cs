using System.Runtime.InteropServices;

namespace Embedded;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM asks the sample to stop: the first one is handled, so the process lives on to stop
/// every instance and exit 0. A second one gets the default action (the process ends at once), for a stop that
/// hangs; the instances then still die with it (see LinuxProcessLauncherOptions).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignal() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Token => _requested.Token;

    /// <summary>The signal that asked to stop, once one did.</summary>
    public string? Received { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Received is not null)
        {
            return;
        }

        context.Cancel = true;
        Received = context.Signal.ToString();
        _requested.Cancel();
    }
}
