using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>What a reload does to one program.</summary>
public enum ReloadAction
{
    /// <summary>New in the configuration: loaded and started (respecting its dependencies).</summary>
    Added,

    /// <summary>Gone from the configuration: its instances are stopped (dependents first), then it is removed.</summary>
    Removed,

    /// <summary>A launch-relevant setting changed: its processes are started again with the new settings.</summary>
    Restarted,

    /// <summary>Only settings applied in place changed: its processes keep running.</summary>
    ChangedInPlace,

    /// <summary>Nothing changed: untouched (the same processes, the same counters).</summary>
    Unchanged,
}

/// <summary>What a reload does to one program, and why.</summary>
/// <param name="Program">The program.</param>
/// <param name="Action">What happens to it.</param>
/// <param name="Changed">The configuration keys whose values changed (for <see cref="ReloadAction.Restarted"/> and <see cref="ReloadAction.ChangedInPlace"/>).</param>
/// <param name="Details">What it means for the program's instances, one sentence each.</param>
public sealed record ProgramReload(string Program, ReloadAction Action, ImmutableArray<string> Changed, ImmutableArray<string> Details);

/// <summary>A reload's plan: one entry per program, in the configuration's order, then the removed ones.</summary>
/// <param name="Programs">What happens to each program.</param>
public sealed record ReloadPlan(ImmutableArray<ProgramReload> Programs)
{
    /// <summary>A one-line summary: <c>1 added, 1 removed, 2 restarted, 1 changed in place, 3 unchanged</c>.</summary>
    /// <returns>The summary.</returns>
    public string Summary() =>
        $"{Count(ReloadAction.Added)} added, {Count(ReloadAction.Removed)} removed, {Count(ReloadAction.Restarted)} restarted, "
        + $"{Count(ReloadAction.ChangedInPlace)} changed in place, {Count(ReloadAction.Unchanged)} unchanged";

    private int Count(ReloadAction action) => Programs.Count(p => p.Action == action);
}
