namespace KrustPm.Host.Events;

/// <summary>
/// One thing that happened, as <c>GET /api/v1/events</c> streams it: <see cref="Id"/> grows by one per event.
/// Types: <c>instance.status</c> (an instance changed status; <see cref="Status"/>, <see cref="PreviousStatus"/>,
/// with <see cref="Pid"/> when it started and <see cref="ExitCode"/> or <see cref="Reason"/> when it ended),
/// <c>instance.removed</c>, <c>program.loaded</c>, <c>program.scaled</c>, <c>command</c> (a command was applied:
/// <see cref="Command"/>), <c>krust-pm.stopping</c>, <c>instance.ready</c> and <c>instance.not-ready</c> (a run
/// became ready, or stopped being ready: <see cref="Reason"/> says what the probe saw), and <c>gap</c> (events were
/// missed: see <see cref="Missed"/>). A status event to <c>Waiting</c> or <c>Blocked</c> carries
/// <see cref="WaitingFor"/> and a <see cref="Reason"/>; so does a stop because the liveness probe failed.
/// </summary>
public sealed record ApiEvent(long Id, DateTimeOffset At, string Type)
{
    public string? Program { get; init; }

    public long? Instance { get; init; }

    public string? Status { get; init; }

    public string? PreviousStatus { get; init; }

    public int? Try { get; init; }

    public int? Pid { get; init; }

    public int? ExitCode { get; init; }

    public string? Reason { get; init; }

    public DateTimeOffset? NextTryAt { get; init; }

    public int? Instances { get; init; }

    public string? Command { get; init; }

    /// <summary>For a status event to <c>Waiting</c> or <c>Blocked</c>: the dependencies not met, as <c>db (healthy)</c>.</summary>
    public IReadOnlyList<string>? WaitingFor { get; init; }

    /// <summary>For <c>gap</c>: how many events this client did not get.</summary>
    public long? Missed { get; init; }
}
