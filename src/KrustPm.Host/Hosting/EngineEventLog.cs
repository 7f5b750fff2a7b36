using KrustPm.Engine;

namespace KrustPm.Host.Hosting;

/// <summary>Writes what happens to instances to krust-pm's own log.</summary>
internal sealed partial class EngineEventLog(ILogger<EngineEventLog> logger)
{
    public void OnApplied(AppliedMessage applied)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        switch (applied.Message)
        {
            case Message.Started m when applied.FindRun(m.RunId) is var (program, instance):
                LogStarted(program, instance.Id, m.Pid);
                break;
            case Message.Exited m when applied.FindRun(m.RunId) is var (program, instance):
                var afterExit = Outcome(instance);
                LogExited(program, instance.Id, m.ExitCode, afterExit);
                break;
            case Message.StartFailed m when applied.FindRun(m.RunId) is var (program, instance):
                var afterFailure = Outcome(instance);
                LogStartFailed(program, instance.Id, m.Reason, afterFailure);
                break;
            case Message.Scale m:
                LogScale(m.Program, m.To);
                break;
            case Message.Shutdown when !applied.Before.ShuttingDown:
                LogShutdown();
                break;
        }
    }

    public void EngineFailed(Exception error) => LogEngineFailed(error);

    private static string Outcome(InstanceState instance) => instance switch
    {
        { Status: InstanceStatus.Backoff, NextTryAt: { } due } =>
            $"{instance.ConsecutiveFailures} failure(s) in a row, try {instance.CurrentTry} at {due.ToLocalTime():HH:mm:ss.fff}",
        { Status: InstanceStatus.Started } => $"try {instance.CurrentTry} now",
        { Status: InstanceStatus.RetriesExceeded } => $"{instance.ConsecutiveFailures} failures in a row: retries exceeded",
        _ => instance.Status.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Program}.{Instance} started, pid {Pid}")]
    private partial void LogStarted(string program, long instance, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Program}.{Instance} exited with code {ExitCode}; {Outcome}")]
    private partial void LogExited(string program, long instance, int exitCode, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Program}.{Instance} could not start: {Reason}; {Outcome}")]
    private partial void LogStartFailed(string program, long instance, string reason, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "scaling {Program} to {Instances} instances")]
    private partial void LogScale(string program, int instances);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping every instance")]
    private partial void LogShutdown();

    [LoggerMessage(Level = LogLevel.Critical, Message = "the engine failed; krust-pm stops")]
    private partial void LogEngineFailed(Exception error);
}
