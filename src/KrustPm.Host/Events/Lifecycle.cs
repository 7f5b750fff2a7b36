using System.Collections.Immutable;
using KrustPm.Engine;

namespace KrustPm.Host.Events;

/// <summary>The words the event API and krust-pm's log share for what the engine's events say.</summary>
internal static class Lifecycle
{
    /// <summary>The status an instance rests in after its run ended, or <see langword="null"/> when a launch (or a wait) follows.</summary>
    public static InstanceStatus? StatusAfter(EngineEvent.InstanceExited e) => e.Outcome switch
    {
        ExitOutcome.Stopped => InstanceStatus.Stopped,
        ExitOutcome.Done => InstanceStatus.Done,
        ExitOutcome.RetriesExceeded => InstanceStatus.RetriesExceeded,
        ExitOutcome.Failed => InstanceStatus.Failed,
        ExitOutcome.Retrying when e.NextTryAt is not null => InstanceStatus.Backoff,
        _ => null,
    };

    /// <summary>The outcome as the event API names it.</summary>
    public static string OutcomeName(EngineEvent.InstanceExited e) => e.Outcome switch
    {
        ExitOutcome.Removed => "removed",
        ExitOutcome.Restarting => "restarting",
        ExitOutcome.Stopped => "stopped",
        ExitOutcome.Done => "done",
        ExitOutcome.Retrying => "retrying",
        ExitOutcome.RetriesExceeded => "retries-exceeded",
        ExitOutcome.Failed => "failed",
        _ => e.Outcome.ToString().ToLowerInvariant(),
    };

    /// <summary>What follows a run's end, as a sentence: "restart in 400 ms (try 3, 2 failure(s) in a row)".</summary>
    public static string OutcomeText(EngineEvent.InstanceExited e) => e.Outcome switch
    {
        ExitOutcome.Removed => "stopped and removed",
        ExitOutcome.Retrying when e.NextTryAt is { } due =>
            $"restart in {(long)(due - e.At).TotalMilliseconds} ms (try {e.Try + 1}, {e.Failures} failure(s) in a row)",
        ExitOutcome.Retrying or ExitOutcome.Restarting => $"restarting now (try {e.Try + 1})",
        ExitOutcome.Done => "done",
        ExitOutcome.RetriesExceeded => $"retries exceeded after {e.Failures} failures in a row",
        ExitOutcome.Failed => "failed (restart = \"never\")",
        _ => "stopped",
    };

    /// <summary>Why krust-pm stops a run, as a sentence.</summary>
    public static string StopReasonText(EngineEvent.StopRequested e) => e.Reason switch
    {
        StopReason.Command => "stop command",
        StopReason.Restart => "restart",
        StopReason.RestartWith => "restart of a program it depends on (restart_with)",
        StopReason.ScaleDown => "scale-down",
        StopReason.Removed => "instance deleted",
        StopReason.Shutdown => "krust-pm is stopping",
        StopReason.Liveness => e.Detail ?? "liveness probe failed",
        StopReason.Memory => $"restarted: {e.Detail}",
        StopReason.Reload => "reload: its settings changed, it starts again with them",
        StopReason.Unloaded => "reload: its program was removed from the configuration",
        _ => e.Reason.ToString(),
    };

    /// <summary>How an exit code reads: "exited with code 1", "killed by signal 9 (SIGKILL)".</summary>
    public static string Exit(int exitCode) => Signals.DescribeExit(exitCode); // the log files' exit markers say the same

    public static string WaitingFor(ImmutableArray<string> waitingFor) =>
        waitingFor.IsDefaultOrEmpty ? "its dependencies" : string.Join(", ", waitingFor);
}
