namespace KrustPm.Host.Hosting;

/// <summary>krust-pm's own log about its journal: what reading it found, and writes that fail and work again.</summary>
internal sealed partial class EngineEventLog
{
    public void JournalOpened(JournalSetup journal)
    {
        foreach (var warning in journal.Warnings)
        {
            LogJournalWarning(warning);
        }

        if (journal.Journal is { } file)
        {
            LogJournal(file.Directory, journal.Start.LastEventId);
            file.Failed += error => LogJournalFailed(file.Directory, error.Message);
            file.Recovered += dropped => LogJournalRecovered(file.Directory, dropped);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogJournalWarning(string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "journal: {Directory} (restored up to event {LastEventId})")]
    private partial void LogJournal(string directory, long lastEventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "journal: cannot write to {Directory}: {Reason}; krust-pm keeps supervising, events are counted as dropped until writing works again (see /healthz)")]
    private partial void LogJournalFailed(string directory, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "journal: writing to {Directory} works again; {Dropped} event(s) were dropped, a new segment begins with a snapshot")]
    private partial void LogJournalRecovered(string directory, long dropped);
}
