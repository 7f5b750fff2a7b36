using KrustPm.Engine;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Hosting;

/// <summary>
/// Writes every lifecycle event to krust-pm's own log: started (pid), exited (code or signal) and what follows
/// (restart in N ms, done, retries exceeded...), could not start and why, stopping, killed after the stop timeout.
/// </summary>
internal sealed partial class EngineEventLog(ILogger<EngineEventLog> logger)
{
    private int _handlerFailed;

    public void OnApplied(AppliedMessage applied)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            LogLifecycle(applied);
        }

        LogShortage(applied);
    }

    private void LogLifecycle(AppliedMessage applied)
    {
        switch (applied.Message)
        {
            case Message.Started m when applied.FindRun(m.RunId) is var (program, instance):
                LogStarted(program, instance.Id, m.Pid, instance.CurrentTry);
                break;
            case Message.Exited m when applied.FindRun(m.RunId) is var (program, instance):
                var exit = ExitDescriptions.Describe(m.ExitCode);
                var afterExit = Outcome(applied, program, m.At, instance);
                LogExited(program, instance.Id, exit, afterExit);
                break;
            case Message.StartFailed m when applied.FindRun(m.RunId) is var (program, instance):
                var afterFailure = Outcome(applied, program, m.At, instance);
                LogStartFailed(program, instance.Id, m.Reason, afterFailure);
                break;
            case Message.StopTimeoutElapsed m when applied.FindRun(m.RunId) is var (program, instance) && instance.IsLive:
                var timeout = (long)(applied.After.Find(program)?.Spec.StopTimeout.TotalMilliseconds ?? 0);
                LogKilled(program, instance.Id, timeout);
                break;
            case Message.Scale m:
                LogScale(m.Program, m.To);
                break;
            case Message.Shutdown when !applied.Before.ShuttingDown:
                LogShutdown();
                break;
        }

        LogHealth(applied);
        LogStopping(applied);
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

    private static string Outcome(AppliedMessage applied, string program, DateTimeOffset at, InstanceState instance) => instance switch
    {
        _ when !IsInstance(applied.After.Find(program), instance.Id) => "stopped and removed",
        { Status: InstanceStatus.Backoff, NextTryAt: { } due } =>
            $"restart in {(long)(due - at).TotalMilliseconds} ms (try {instance.CurrentTry}, {instance.ConsecutiveFailures} failure(s) in a row)",
        { Status: InstanceStatus.Started } => $"restarting now (try {instance.CurrentTry})",
        { Status: InstanceStatus.Done } => "done",
        { Status: InstanceStatus.RetriesExceeded } => $"retries exceeded after {instance.ConsecutiveFailures} failures in a row",
        { Status: InstanceStatus.Failed } => "failed (restart = \"never\")",
        _ => instance.Status.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// krust-pm's own shortage, once when it begins and once when it ends: the instances that wait for resources try
    /// again every few seconds, and a line per instance and try would flood the log just when krust-pm is struggling.
    /// </summary>
    private void LogShortage(AppliedMessage applied)
    {
        var (was, now) = (applied.Before.ResourceShortage, applied.After.ResourceShortage);
        if (was is null && now is not null)
        {
            LogShortageBegan(now.Reason, now.Instances);
        }
        else if (was is not null && now is null)
        {
            LogShortageEnded((long)(applied.Message.At - was.Since).TotalSeconds);
        }
    }

    /// <summary>Whether the program still has the instance; a binary search, as instance ids grow (oldest first).</summary>
    private static bool IsInstance(ProgramState? program, long id) =>
        program is not null && program.Instances.AsSpan().BinarySearch(new IdOrder(id)) >= 0;

    /// <summary>
    /// Logs the instances this message made <see cref="InstanceStatus.Stopping"/>: a command (stop, restart, delete,
    /// scale-down), the next step of a rolling restart, a liveness failure, or the shutdown (which stops programs in
    /// dependency order, as their dependents exit).
    /// </summary>
    private void LogStopping(AppliedMessage applied)
    {
        foreach (var (before, program) in StateChanges.Programs(applied.Before, applied.After))
        {
            foreach (var (was, instance) in StateChanges.Instances(before, program).Changed)
            {
                if (instance.Status == InstanceStatus.Stopping && was?.Status != InstanceStatus.Stopping)
                {
                    var signal = Signals.NameOf(program.Spec.StopSignal);
                    LogStoppingInstance(program.Name, instance.Id, signal, (long)program.Spec.StopTimeout.TotalMilliseconds);
                }
            }
        }
    }

    /// <summary>Orders instances by id, for a binary search of one id.</summary>
    private readonly struct IdOrder(long id) : IComparable<InstanceState>
    {
        public int CompareTo(InstanceState? other) => other is null ? 1 : id.CompareTo(other.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Program}.{Instance} started, pid {Pid} (try {Try})")]
    private partial void LogStarted(string program, long instance, int pid, int @try);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Program}.{Instance} {Exit}; {Outcome}")]
    private partial void LogExited(string program, long instance, string exit, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Program}.{Instance} could not start: {Reason}; {Outcome}")]
    private partial void LogStartFailed(string program, long instance, string reason, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Program}.{Instance} stopping: SIG{Signal} to its process group, SIGKILL after {TimeoutMs} ms")]
    private partial void LogStoppingInstance(string program, long instance, string signal, long timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Program}.{Instance} did not stop within {TimeoutMs} ms: SIGKILL to its process group")]
    private partial void LogKilled(string program, long instance, long timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "scaling {Program} to {Instances} instances")]
    private partial void LogScale(string program, int instances);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping every instance")]
    private partial void LogShutdown();

    [LoggerMessage(Level = LogLevel.Error, Message = "an engine event handler failed on {Message}: {Error}; krust-pm goes on")]
    private partial void LogHandlerFailed(string message, string error, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "out of resources: {Reason}; {Instances} instance(s) wait for them (not counted as failures; each tries again within 10 s)")]
    private partial void LogShortageBegan(string reason, int instances);

    [LoggerMessage(Level = LogLevel.Information, Message = "resources are back: every instance that waited for them has started (short for {Seconds} s)")]
    private partial void LogShortageEnded(long seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "the engine failed; krust-pm stops")]
    private partial void LogEngineFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "cannot write log file {Path}: {Reason}; the program keeps running, its output is lost until writing works again")]
    private partial void LogWriteFailed(string path, string reason);
}
