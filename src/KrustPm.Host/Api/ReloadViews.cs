using KrustPm.Engine;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Api;

/// <summary>The answer of <c>POST /api/v1/reload</c>: the plan, applied or (with <c>?dryRun=true</c>) only shown.</summary>
/// <param name="File">The configuration file read.</param>
/// <param name="DryRun">Whether the plan was only shown (nothing was changed).</param>
/// <param name="Summary">The plan in one line: <c>1 added, 0 removed, 1 restarted, 0 changed in place, 2 unchanged</c>, then the top-level keys.</param>
/// <param name="Programs">What happens to each program, in the file's order, then the removed ones.</param>
/// <param name="TopLevel">The top-level keys that changed in the file, and what became of each.</param>
public sealed record ReloadView(string File, bool DryRun, string Summary, IReadOnlyList<ProgramReloadView> Programs, IReadOnlyList<TopLevelReloadView> TopLevel)
{
    /// <summary>What may fail when a program starts (a user or an executable not found now), as <c>krust-pm check</c> words it; left out when none.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>What a reload does to one program.</summary>
/// <param name="Name">The program.</param>
/// <param name="Action"><c>added</c>, <c>removed</c>, <c>restarted</c>, <c>changed-in-place</c> or <c>unchanged</c>.</param>
/// <param name="Changed">The keys whose values changed (for <c>restarted</c> and <c>changed-in-place</c>).</param>
/// <param name="Details">What it means for the program's instances, one sentence each.</param>
public sealed record ProgramReloadView(string Name, string Action, IReadOnlyList<string> Changed, IReadOnlyList<string> Details);

/// <summary>A top-level key that changed in the file.</summary>
/// <param name="Key">The key.</param>
/// <param name="Action"><c>applied</c>, or <c>needs-krust-pm-restart</c>: only read at start, the running value is kept.</param>
public sealed record TopLevelReloadView(string Key, string Action);

/// <summary>The words of the reload's answer, its event and its log.</summary>
internal static class ReloadViews
{
    public static ReloadView From(ReloadOutcome outcome) => new(
        outcome.File,
        outcome.DryRun,
        outcome.Summary(),
        Programs(outcome.Plan),
        [.. outcome.TopLevel.Select(c => new TopLevelReloadView(c.Key, c.Applied ? "applied" : "needs-krust-pm-restart"))])
    {
        Warnings = outcome.Warnings.IsEmpty ? null : [.. outcome.Warnings.Select(w => w.ToString())],
    };

    public static IReadOnlyList<ProgramReloadView> Programs(ReloadPlan? plan) =>
        plan is null ? [] : [.. plan.Programs.Select(p => new ProgramReloadView(p.Program, ActionName(p.Action), p.Changed, p.Details))];

    /// <summary>The action as the API names it.</summary>
    public static string ActionName(ReloadAction action) => action switch
    {
        ReloadAction.Added => "added",
        ReloadAction.Removed => "removed",
        ReloadAction.Restarted => "restarted",
        ReloadAction.ChangedInPlace => "changed-in-place",
        _ => "unchanged",
    };
}
