using KrustPm.Engine;
using KrustPm.Host.Events;

namespace KrustPm.Host.Hosting;

/// <summary>
/// The lifecycle log's lines about dependencies and health: waiting, blocked, ready, not ready, liveness (the stop
/// that follows is logged with every other stop).
/// </summary>
internal sealed partial class EngineEventLog
{
    /// <summary>Logs what the message changed in instances' dependencies and health.</summary>
    private void LogHealth(AppliedMessage applied)
    {
        if (HealthChanges.Of(applied) is not { } changes)
        {
            return;
        }

        foreach (var (kind, program, instance) in changes)
        {
            // Worded before the call: the caller has checked that Information is logged.
            var detail = kind switch
            {
                HealthChangeKind.Waiting => HealthChanges.WaitingFor(instance),
                HealthChangeKind.Blocked => HealthChanges.BlockedBecause(instance),
                HealthChangeKind.NotReady => HealthChanges.NotReadyBecause(instance),
                HealthChangeKind.LivenessFailed => instance.FailingBecause ?? "liveness probe failed",
                _ => string.Empty,
            };
            switch (kind)
            {
                case HealthChangeKind.Waiting:
                    LogWaiting(program, instance.Id, detail);
                    break;
                case HealthChangeKind.Blocked:
                    LogBlocked(program, instance.Id, detail);
                    break;
                case HealthChangeKind.Ready:
                    LogReady(program, instance.Id);
                    break;
                case HealthChangeKind.NotReady:
                    LogNotReady(program, instance.Id, detail);
                    break;
                case HealthChangeKind.LivenessFailed:
                    LogLivenessFailed(program, instance.Id, detail);
                    break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Program}.{Instance} waiting for {WaitingFor}")]
    private partial void LogWaiting(string program, long instance, string waitingFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Program}.{Instance} blocked: {Reason}")]
    private partial void LogBlocked(string program, long instance, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Program}.{Instance} ready")]
    private partial void LogReady(string program, long instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Program}.{Instance} not ready: {Reason}")]
    private partial void LogNotReady(string program, long instance, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Program}.{Instance} {Reason}; restarting")]
    private partial void LogLivenessFailed(string program, long instance, string reason);
}
