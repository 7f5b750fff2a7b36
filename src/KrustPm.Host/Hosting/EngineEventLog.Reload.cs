using KrustPm.Engine;

namespace KrustPm.Host.Hosting;

/// <summary>krust-pm's own log about a reload: one summary line, then one line per program it touches.</summary>
internal sealed partial class EngineEventLog
{
    private void LogReloaded(ReloadPlan plan)
    {
        // Worded before the call: OnApplied has checked that Information is logged.
        var summary = plan.Summary();
        LogReloadSummary(summary);
        foreach (var entry in plan.Programs.Where(p => p.Action is not ReloadAction.Unchanged))
        {
            var action = entry.Action switch
            {
                ReloadAction.Added => "added",
                ReloadAction.Removed => "removed",
                ReloadAction.Restarted => "restarted",
                _ => "changed in place",
            };
            var changed = entry.Changed.IsEmpty ? string.Empty : $" ({string.Join(", ", entry.Changed)})";
            var details = entry.Details.IsEmpty ? string.Empty : "; " + string.Join("; ", entry.Details);
            LogReloadProgram(entry.Program, action, changed, details);
        }
    }

    [LoggerMessage(EventName = "config.reloaded", Level = LogLevel.Information, Message = "configuration reloaded: {Summary}")]
    private partial void LogReloadSummary(string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "reload: {Program} {Action}{Changed}{Details}")]
    private partial void LogReloadProgram(string program, string action, string changed, string details);

    [LoggerMessage(EventName = "program.removed", Level = LogLevel.Information, Message = "{Program}: removed, no process of it is left ({Reason})")]
    private partial void LogProgramRemoved(string program, string reason);
}
