using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>Why the engine refused a command.</summary>
public enum RejectionKind
{
    /// <summary>The named program does not exist.</summary>
    NotFound,

    /// <summary>A value is out of range.</summary>
    Invalid,

    /// <summary>The command cannot be applied in the engine's current state (e.g. it is shutting down).</summary>
    Conflict,

    /// <summary>Too many commands are waiting to be applied; try again shortly.</summary>
    Busy,
}

/// <summary>Why a command the engine accepted did not complete.</summary>
public enum CommandFailureKind
{
    /// <summary>
    /// An instance's new run failed before it was ready: it exited, could not start, failed its liveness probe, or
    /// cannot start because a dependency can no longer be met.
    /// </summary>
    InstanceFailed,

    /// <summary>Another command (a stop) or the shutdown ended it before it was complete.</summary>
    Interrupted,
}

/// <summary>
/// What went wrong with a command the engine accepted and carried out in steps (a rolling restart), and how far it got.
/// </summary>
/// <param name="Kind">What ended it.</param>
/// <param name="Instance">The instance it stopped at.</param>
/// <param name="Reason">A sentence saying what happened, which instances were restarted and which were left as they were.</param>
/// <param name="Restarted">The instances it restarted (each new run became ready), in order.</param>
/// <param name="NotRestarted">The instances it did not get to, left as they were (running their previous run), in order.</param>
public sealed record CommandFailure(
    CommandFailureKind Kind, long Instance, string Reason, ImmutableArray<long> Restarted, ImmutableArray<long> NotRestarted);

/// <summary>The engine's answer to a command.</summary>
/// <param name="Accepted">Whether the command was applied (see <see cref="Failure"/> for one that then did not complete).</param>
/// <param name="Affected">How many instances the command added, removed, stopped, started or restarted.</param>
/// <param name="Rejection">Why it was refused, when it was.</param>
/// <param name="Reason">A sentence saying why it was refused, when it was.</param>
public sealed record CommandResult(bool Accepted, int Affected, RejectionKind? Rejection = null, string? Reason = null)
{
    /// <summary>An accepted command that affected <paramref name="affected"/> instances.</summary>
    /// <param name="affected">How many instances were added or removed.</param>
    /// <returns>The result.</returns>
    public static CommandResult Ok(int affected = 0) => new(true, affected);

    /// <summary>A refused command.</summary>
    /// <param name="kind">Why, as a category.</param>
    /// <param name="reason">Why, as a sentence.</param>
    /// <returns>The result.</returns>
    public static CommandResult Rejected(RejectionKind kind, string reason) => new(false, 0, kind, reason);

    /// <summary>An accepted command that did not complete (a rolling restart that stopped part-way).</summary>
    /// <param name="failure">What ended it, and how far it got.</param>
    /// <returns>The result: accepted, with the instances it restarted as <see cref="Affected"/>.</returns>
    public static CommandResult Failed(CommandFailure failure) => new(true, failure.Restarted.Length) { Failure = failure };

    /// <summary>
    /// Why an accepted command did not complete, when it did not (only a rolling restart can stop part-way);
    /// <see langword="null"/> when it did.
    /// </summary>
    public CommandFailure? Failure { get; init; }

    /// <summary>For a reload (or a refused one): what it does to each program; <see langword="null"/> for other commands.</summary>
    public ReloadPlan? Plan { get; init; }

    /// <summary>Whether the command was applied and completed: accepted, and no <see cref="Failure"/>.</summary>
    public bool Succeeded => Accepted && Failure is null;
}
