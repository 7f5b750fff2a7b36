using KrustPm.Engine;
using KrustPm.Engine.Logs;
using KrustPm.Host.Events;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Writes the engine's events to krust-pm's own log, one line each for those a person follows: started (pid),
/// exited (code or signal) and what follows (restart in N ms, done, retries exceeded...), could not start and why,
/// stopping (signal, timeout, why), killed after the stop timeout, scaling, waiting, blocked, ready, not ready.
/// </summary>
internal sealed partial class EngineEventLog(ILogger<EngineEventLog> logger)
{
    private int _handlerFailed;
    private ResourceShortage? _shortage;

    public void OnApplied(AppliedMessage applied)
    {
        // Below Warning nothing is worth wording (each line's own method checks its level again).
        var wanted = logger.IsEnabled(LogLevel.Warning);
        foreach (var @event in applied.Events)
        {
            if (@event is EngineEvent.ResourceShortageChanged shortage)
            {
                LogShortage(shortage);
            }
            else if (wanted)
            {
                Log(@event, applied.Message);
            }
        }
    }

    /// <summary>
    /// krust-pm's own shortage, once when it begins and once when it ends: the instances that wait for resources try
    /// again every few seconds, and a line per instance and try would flood the log just when krust-pm is struggling.
    /// </summary>
    private void LogShortage(EngineEvent.ResourceShortageChanged e)
    {
        var was = _shortage;
        _shortage = e.Shortage; // events come one at a time, in order (the engine's Applied)
        if (e.Shortage is { } now && was is null)
        {
            LogShortageBegan(now.Reason, now.Instances);
        }
        else if (e.Shortage is null && was is not null)
        {
            LogShortageEnded((long)(e.At - was.Since).TotalSeconds);
        }
    }

    public void EngineFailed(Exception error) => LogEngineFailed(error);

    /// <summary>
    /// Logs an <see cref="ProcessEngine.Applied"/> handler's exception (a krust-pm bug; the engine goes on): the first
    /// with its stack trace, later ones on one line each, so a handler that fails on every message cannot flood the log.
    /// </summary>
    public void OnHandlerFailed(AppliedMessage applied, Exception error)
    {
        var first = Interlocked.Exchange(ref _handlerFailed, 1) == 0;
        LogHandlerFailed(applied.Message.GetType().Name, $"{error.GetType()}: {error.Message}", first ? error : null);
    }

    public void OnLogWriteFailed(OutputSink sink, Exception error) => LogWriteFailed(sink.Path, error.Message);

    private void Log(EngineEvent @event, Message message)
    {
        switch (@event)
        {
            case EngineEvent.InstanceStarted e:
                LogStarted(e.Program, e.Instance, e.Pid, e.Try);
                break;
            case EngineEvent.InstanceExited e:
                LogExit(e);
                break;
            case EngineEvent.StopRequested { Signal: not null, Reason: StopReason.Liveness } e:
                LogLivenessFailed(e.Program, e.Instance, e.Detail ?? "liveness probe failed");
                break;
            case EngineEvent.StopRequested { Signal: { } signal } e:
                var (name, why) = ("SIG" + Signals.NameOf(signal), Lifecycle.StopReasonText(e));
                var recipient = e.Target == SignalTarget.Main ? "main process" : "process group";
                LogStoppingInstance(e.Program, e.Instance, name, recipient, (long)e.Timeout.TotalMilliseconds, why);
                break;
            case EngineEvent.Killed e:
                LogKilled(e.Program, e.Instance, (long)e.Timeout.TotalMilliseconds);
                break;
            case EngineEvent.Scaled e:
                LogScale(e.Program, e.To);
                break;
            case EngineEvent.ShutdownBegan:
                LogShutdown();
                break;
            case EngineEvent.RollingRestartEnded { Outcome: RollingOutcome.Completed } e:
                LogRollingCompleted(e.Program);
                break;
            case EngineEvent.RollingRestartEnded e:
                LogRollingEnded(e.Reason ?? e.Outcome.ToString());
                break;
            case EngineEvent.EngineResumed:
                LogResumed();
                break;
            case EngineEvent.ProgramRestored e:
                LogRestored(e.Program, e.Instances, e.Stopped);
                break;
            case EngineEvent.ProgramRemoved e when message is Message.Restore:
                LogProgramDropped(e.Program, e.Reason);
                break;
            case EngineEvent.ProgramRemoved e:
                LogProgramRemoved(e.Program, e.Reason);
                break;
            case EngineEvent.ConfigReloaded e:
                LogReloaded(e.Plan);
                break;
            case EngineEvent.InstanceWaiting e:
                var waitingFor = Lifecycle.WaitingFor(e.WaitingFor);
                LogWaiting(e.Program, e.Instance, waitingFor);
                break;
            case EngineEvent.InstanceBlocked e:
                LogBlocked(e.Program, e.Instance, e.Reason);
                break;
            case EngineEvent.ReadinessChanged { Ready: true } e:
                LogReady(e.Program, e.Instance);
                break;
            case EngineEvent.ReadinessChanged e:
                LogNotReady(e.Program, e.Instance, e.Detail);
                break;
        }
    }

    [LoggerMessage(EventName = "krust-pm.short-of-resources", Level = LogLevel.Warning, Message = "out of resources: {Reason}; {Instances} instance(s) wait for them (not counted as failures; each tries again within 10 s)")]
    private partial void LogShortageBegan(string reason, int instances);

    [LoggerMessage(EventName = "krust-pm.resources-back", Level = LogLevel.Information, Message = "resources are back: every instance that waited for them has started (short for {Seconds} s)")]
    private partial void LogShortageEnded(long seconds);

    [LoggerMessage(EventName = "instance.started", Level = LogLevel.Information, Message = "{Program}.{Instance} started, pid {Pid} (try {Try})")]
    private partial void LogStarted(string program, long instance, int pid, int @try);

    [LoggerMessage(EventName = "instance.stopping", Level = LogLevel.Information, Message = "{Program}.{Instance} stopping: {Signal} to its {Recipient}, SIGKILL after {TimeoutMs} ms ({Why})")]
    private partial void LogStoppingInstance(string program, long instance, string signal, string recipient, long timeoutMs, string why);

    [LoggerMessage(EventName = "instance.killed", Level = LogLevel.Warning, Message = "{Program}.{Instance} did not stop within {TimeoutMs} ms: SIGKILL to its process group")]
    private partial void LogKilled(string program, long instance, long timeoutMs);

    [LoggerMessage(EventName = "program.scaled", Level = LogLevel.Information, Message = "scaling {Program} to {Instances} instances")]
    private partial void LogScale(string program, int instances);

    [LoggerMessage(EventName = "rolling-restart.completed", Level = LogLevel.Information, Message = "{Program}: rolling restart complete, every new run ready")]
    private partial void LogRollingCompleted(string program);

    [LoggerMessage(EventName = "rolling-restart.ended", Level = LogLevel.Warning, Message = "{Reason}")]
    private partial void LogRollingEnded(string reason);

    [LoggerMessage(EventName = "krust-pm.stopping", Level = LogLevel.Information, Message = "stopping every instance")]
    private partial void LogShutdown();

    [LoggerMessage(EventName = "krust-pm.restored", Level = LogLevel.Information, Message = "restoring the state the journal kept; the processes of the previous run are gone")]
    private partial void LogResumed();

    [LoggerMessage(EventName = "program.restored", Level = LogLevel.Information, Message = "{Program}: restored from the journal with {Instances} instance(s), {Stopped} of them kept stopped")]
    private partial void LogRestored(string program, int instances, int stopped);

    [LoggerMessage(EventName = "program.dropped", Level = LogLevel.Warning, Message = "{Program}: dropped from the journal's state: {Reason}")]
    private partial void LogProgramDropped(string program, string reason);

    [LoggerMessage(EventName = "instance.waiting", Level = LogLevel.Information, Message = "{Program}.{Instance} waiting for {WaitingFor}")]
    private partial void LogWaiting(string program, long instance, string waitingFor);

    [LoggerMessage(EventName = "instance.blocked", Level = LogLevel.Warning, Message = "{Program}.{Instance} blocked: {Reason}")]
    private partial void LogBlocked(string program, long instance, string reason);

    [LoggerMessage(EventName = "instance.ready", Level = LogLevel.Information, Message = "{Program}.{Instance} ready")]
    private partial void LogReady(string program, long instance);

    [LoggerMessage(EventName = "instance.not-ready", Level = LogLevel.Warning, Message = "{Program}.{Instance} not ready: {Reason}")]
    private partial void LogNotReady(string program, long instance, string reason);

    [LoggerMessage(EventName = "instance.liveness-failed", Level = LogLevel.Warning, Message = "{Program}.{Instance} {Reason}; restarting")]
    private partial void LogLivenessFailed(string program, long instance, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "an engine event handler failed on {Message}: {Error}; krust-pm goes on")]
    private partial void LogHandlerFailed(string message, string error, Exception? exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "the engine failed; krust-pm stops")]
    private partial void LogEngineFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "cannot write log file {Path}: {Reason}; the program keeps running, its output is lost until writing works again")]
    private partial void LogWriteFailed(string path, string reason);
}
