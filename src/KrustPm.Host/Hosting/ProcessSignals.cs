using System.Globalization;
using System.Runtime.InteropServices;

namespace KrustPm.Host.Hosting;

/// <summary>
/// What krust-pm does with each signal whose default action would end it, so that only SIGTERM, SIGINT and SIGQUIT
/// (a graceful stop, by .NET's host) and SIGKILL end it: SIGHUP reloads the configuration (<see cref="ConfigReload"/>),
/// SIGUSR1 reopens the log files, and the others (SIGUSR2, SIGALRM,
/// SIGSTKFLT, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, the real-time signals) are logged and ignored.
/// Signals are caught with handlers, never set to SIG_IGN: a handled signal goes back to its default in a program
/// krust-pm starts (exec resets handlers), an ignored one would stay ignored there. Signals the runtime already
/// handles or that were ignored when krust-pm started (SIGPIPE, the runtime's own real-time signal...) are left alone.
/// </summary>
internal sealed partial class ProcessSignals : IDisposable
{
    private const int Hangup = 1;
    private const int User1 = 10;

    /// <summary>Signals that end a process by default and carry no meaning for krust-pm: logged and ignored.</summary>
    private static readonly (int Number, string Name)[] Ignored =
    [
        (12, "SIGUSR2"), (14, "SIGALRM"), (16, "SIGSTKFLT"), (24, "SIGXCPU"), (25, "SIGXFSZ"), (26, "SIGVTALRM"),
        (27, "SIGPROF"), (29, "SIGIO"), (30, "SIGPWR"),
        .. Enumerable.Range(34, 31).Select(n => (n, n == 34 ? "SIGRTMIN" : n == 64 ? "SIGRTMAX" : $"SIGRTMIN+{n - 34}")),
    ];

    /// <summary>The stop signals: .NET's host stops krust-pm on them; logged here so that the log says who asked.</summary>
    private static readonly (int Number, string Name)[] Stops = [(2, "SIGINT"), (3, "SIGQUIT"), (15, "SIGTERM")];

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Dictionary<int, string> _names = [];
    private volatile Target? _target;

    private ProcessSignals()
    {
    }

    /// <summary>
    /// Starts handling the signals (before the configuration is read: a SIGHUP during start-up must not end
    /// krust-pm either). Until <see cref="Attach"/>, what they do is written to stderr.
    /// </summary>
    public static ProcessSignals Install()
    {
        var signals = new ProcessSignals();
        if (!OperatingSystem.IsLinux())
        {
            return signals;
        }

        // A stop signal gets one more handler beside the host's (a registration never replaces the runtime's own).
        var leftAlone = HandledOrIgnored();
        var handled = Ignored.Append((Number: Hangup, Name: "SIGHUP")).Append((Number: User1, Name: "SIGUSR1"));
        foreach (var (number, name) in handled.Where(signal => !leftAlone.Contains(signal.Number)).Concat(Stops))
        {
            signals._names[number] = name;
            signals._registrations.Add(PosixSignalRegistration.Create((PosixSignal)number, signals.On));
        }

        return signals;
    }

    /// <summary>
    /// From now on, signals are logged through krust-pm's log, SIGHUP reloads the configuration and SIGUSR1 reopens
    /// the store's files.
    /// </summary>
    public void Attach(ILogger logger, LogFileReopener reopener, ConfigReload reload) => _target = new Target(logger, reopener, reload);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    /// <summary>
    /// SIGHUP: reloads the configuration, as <c>krust-pm reload</c> does (the reload logs "SIGHUP received: reloading
    /// FILE", then the plan or why nothing changed). Before krust-pm's log is set up, it reads the file as it is anyway.
    /// </summary>
    private void Reload()
    {
        if (_target is not { } target)
        {
            Log(LogLevel.Information, "SIGHUP", "krust-pm is starting; it reads the configuration file as it is now");
            return;
        }

        _ = ReloadAsync(target);
    }

    private async Task ReloadAsync(Target target)
    {
        try
        {
            await target.Reload.ReloadAsync("SIGHUP received", dryRun: false, CancellationToken.None);
        }
        catch (Exception error)
        {
            // Nothing waits for this task: a failure is logged (krust-pm keeps its configuration), never lost.
            Log(LogLevel.Warning, "SIGHUP", $"the reload failed: {error.Message}; krust-pm keeps its configuration");
        }
    }

    private void On(PosixSignalContext context)
    {
        var number = (int)context.Signal;
        if (Stops.Any(stop => stop.Number == number))
        {
            Log(LogLevel.Information, _names[number], "stopping every program, then krust-pm");
            return; // not cancelled: .NET's host stops krust-pm gracefully
        }

        context.Cancel = true;
        switch (number)
        {
            case Hangup:
                Reload();
                break;
            case User1:
                if (_target is { } target)
                {
                    target.Reopener.Reopen("SIGUSR1");
                }
                else
                {
                    Log(LogLevel.Information, "SIGUSR1", "no log file is open yet");
                }

                break;
            default:
                Log(LogLevel.Information, _names.GetValueOrDefault(number, number.ToString(CultureInfo.InvariantCulture)), "ignoring");
                break;
        }
    }

    private void Log(LogLevel level, string signal, string action)
    {
        if (_target is { } target)
        {
            Received(target.Logger, level, signal, action);
        }
        else
        {
            Console.Error.WriteLine($"krust-pm: {signal} received: {action}");
        }
    }

    [LoggerMessage(Message = "{Signal} received: {Action}")]
    private static partial void Received(ILogger logger, LogLevel level, string signal, string action);

    /// <summary>Signals with a handler (the runtime's own) or ignored since krust-pm started, from /proc/self/status.</summary>
    private static HashSet<int> HandledOrIgnored()
    {
        var signals = new HashSet<int>();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal) || line.StartsWith("SigCgt:", StringComparison.Ordinal))
            {
                var mask = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                for (var signal = 1; signal <= 64; signal++)
                {
                    if ((mask & (1UL << (signal - 1))) != 0)
                    {
                        signals.Add(signal);
                    }
                }
            }
        }

        return signals;
    }

    private sealed record Target(ILogger Logger, LogFileReopener Reopener, ConfigReload Reload);
}
