namespace KrustPm.Host.Events;

/// <summary>
/// One thing that happened, as <c>GET /api/v1/events</c> streams it: the engine's event of that <see cref="Id"/>
/// (ids grow; the engine's own bookkeeping events, such as a probe that passed again, have no entry, so there are
/// gaps). <see cref="Type"/> says what happened; <see cref="Status"/>, when present, is the status the instance is in
/// after it. Every type and its fields are listed in docs/http-api.md.
/// </summary>
public sealed record ApiEvent(long Id, DateTimeOffset At, string Type)
{
    public string? Program { get; init; }

    public long? Instance { get; init; }

    public string? Status { get; init; }

    public int? Try { get; init; }

    public int? Pid { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>For <c>instance.exited</c>: what becomes of the instance (<c>restarting</c>, <c>retrying</c>, <c>done</c>...).</summary>
    public string? Outcome { get; init; }

    /// <summary>For <c>instance.exited</c>: failed tries in a row, this one included.</summary>
    public int? Failures { get; init; }

    /// <summary>For <c>instance.stopping</c>, <c>instance.signalled</c>: the signal sent, as <c>SIGTERM</c>.</summary>
    public string? Signal { get; init; }

    /// <summary>For <c>instance.stopping</c> and <c>instance.killed</c>: the stop timeout, in milliseconds.</summary>
    public long? TimeoutMs { get; init; }

    public string? Reason { get; init; }

    public DateTimeOffset? NextTryAt { get; init; }

    /// <summary>For <c>program.loaded</c> and <c>program.scaled</c>: the instance count after it.</summary>
    public int? Instances { get; init; }

    public string? Command { get; init; }

    /// <summary>For <c>instance.waiting</c> and <c>instance.blocked</c>: the dependencies not met, as <c>db (healthy)</c>.</summary>
    public IReadOnlyList<string>? WaitingFor { get; init; }

    /// <summary>For <c>config.reloaded</c>: the plan in one line (<c>1 added, 0 removed, 1 restarted, ...</c>).</summary>
    public string? Summary { get; init; }

    /// <summary>For <c>config.reloaded</c>: what the reload does to each program.</summary>
    public IReadOnlyList<Api.ProgramReloadView>? Programs { get; init; }

    /// <summary>For <c>program.changed</c>: the configuration keys whose values changed.</summary>
    public IReadOnlyList<string>? Changed { get; init; }

    /// <summary>For <c>gap</c>: how many events this client did not get.</summary>
    public long? Missed { get; init; }
}
