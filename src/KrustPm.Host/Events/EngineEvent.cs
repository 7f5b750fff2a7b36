namespace KrustPm.Host.Events;

/// <summary>
/// One thing that happened, as <c>GET /api/v1/events</c> streams it: <see cref="Id"/> grows by one per event.
/// Types: <c>instance.status</c> (an instance changed status; <see cref="Status"/>, <see cref="PreviousStatus"/>,
/// with <see cref="Pid"/> when it started and <see cref="ExitCode"/> or <see cref="Reason"/> when it ended),
/// <c>instance.removed</c>, <c>program.loaded</c>, <c>program.scaled</c>, <c>command</c> (a command was applied:
/// <see cref="Command"/>), <c>krust-pm.stopping</c>, and <c>gap</c> (events were missed: see <see cref="Missed"/>).
/// </summary>
public sealed record EngineEvent(long Id, DateTimeOffset At, string Type)
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

    /// <summary>For <c>gap</c>: how many events this client did not get.</summary>
    public long? Missed { get; init; }
}
