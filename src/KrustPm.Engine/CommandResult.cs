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

/// <summary>The engine's answer to a command.</summary>
/// <param name="Accepted">Whether the command was applied.</param>
/// <param name="Affected">How many instances the command added or removed.</param>
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
}
