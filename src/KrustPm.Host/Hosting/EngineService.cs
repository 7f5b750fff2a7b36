using KrustPm.Engine;
using KrustPm.Engine.Logs;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Runs the engine for the lifetime of the host. Programs are loaded only once the server listens (so a busy port
/// starts nothing), and on shutdown every instance is stopped and waited for before the host exits.
/// </summary>
internal sealed class EngineService(
    ProcessEngine engine,
    KrustConfig config,
    EngineEventLog eventLog,
    Events.EventFeed events,
    OutputStore output,
    JournalSetup journal,
    RetiredLogFiles retiredLogs,
    IServiceProvider services,
    IHostApplicationLifetime lifetime) : IHostedLifecycleService
{
    private UnixSocketGuard? _socket;

    /// <summary>Runs before the server binds (hosted services start before the web server).</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (config.Server.UnixSocket is { } path)
        {
            _socket = UnixSocketGuard.BeforeBind(path);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (config.Attach)
        {
            services.GetRequiredService<AttachPrinter>(); // starts printing before the first program does
        }

        services.GetRequiredService<Metrics.KrustPmMetrics>(); // counts from the first event on
        output.WriteFailed += eventLog.OnLogWriteFailed;
        eventLog.JournalOpened(journal);
        engine.AppliedHandlerFailed += eventLog.OnHandlerFailed;
        engine.Applied += eventLog.OnApplied;
        engine.Applied += events.OnApplied;
        engine.Applied += retiredLogs.OnApplied;
        engine.Applied += FollowLogSizes;
        services.GetRequiredService<ExitCondition>().Follow();
        engine.Start();
        _ = WatchAsync();
        return Task.CompletedTask;
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        _socket?.AfterBind(); // before any program starts: children get krust-pm's own umask
        if (cancellationToken.IsCancellationRequested)
        {
            return; // stopped while starting: start no program only to stop it at once
        }

        // Not cancelled once sent: the command applies anyway, and the stop that follows stops what it started.
        var result = await engine.RestoreAsync(config.Programs, CancellationToken.None);
        if (!result.Accepted)
        {
            throw new StartRefusedException($"the engine refused the configuration: {result.Reason}");
        }

        services.GetRequiredService<ConfigReload>().ProgramsLoaded();
    }

    /// <summary>
    /// Begins the engine's shutdown as soon as the host begins stopping, before the web server waits for its open
    /// requests: event streams stay open to carry the shutdown's events and end when the engine has stopped, so the
    /// server's wait is the engine's own. <see cref="StopAsync"/> waits for the same shutdown.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _ = engine.StopAsync(CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A reload that changes a program's log sizes in place (no restart): its running instances' log files rotate by
    /// the new sizes from their next write.
    /// </summary>
    private void FollowLogSizes(AppliedMessage applied)
    {
        foreach (var @event in applied.Events)
        {
            if (@event is EngineEvent.ProgramChanged { Restart: false } changed
                && (changed.Changed.Contains("log_max_bytes") || changed.Changed.Contains("log_backups")))
            {
                output.ApplyPolicy(changed.Program, changed.Spec.Log);
            }
        }
    }

    /// <summary>If the engine loop ever fails, krust-pm stops rather than serving a frozen state.</summary>
    private async Task WatchAsync()
    {
        try
        {
            await engine.Completion;
        }
        catch (Exception error)
        {
            eventLog.EngineFailed(error);
            lifetime.StopApplication();
        }
        finally
        {
            events.Complete(); // the shutdown's events were the last: event streams end once they have sent them
        }
    }
}
