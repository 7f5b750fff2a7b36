using KrustPm.Engine.Journal;

namespace KrustPm.Host.Config;

/// <summary>The journal's settings: <c>journal</c>, <c>journal_dir</c>, <c>journal_max_bytes</c>, <c>journal_max_segments</c>, <c>journal_fsync</c>.</summary>
/// <param name="Enabled">Whether events are journaled (and restored when krust-pm starts).</param>
/// <param name="Directory">The folder (absolute).</param>
/// <param name="Options">How segments are written.</param>
public sealed record JournalSettings(bool Enabled, string Directory, FileJournalOptions Options)
{
    /// <summary>The defaults for a configuration file: on, in <c>.krust-pm/journal</c> beside it.</summary>
    public static JournalSettings Beside(string configPath) =>
        new(true, Path.Combine(Path.GetDirectoryName(configPath) ?? ".", ".krust-pm", "journal"), FileJournalOptions.Default);
}
