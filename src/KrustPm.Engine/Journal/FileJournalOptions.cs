namespace KrustPm.Engine.Journal;

/// <summary>When a <see cref="FileJournal"/> asks the disk to keep what it wrote.</summary>
public enum JournalSync
{
    /// <summary>Never: the OS writes it back on its own (a crash of krust-pm loses nothing; a power loss, the last seconds).</summary>
    Never,

    /// <summary>After every batch (<c>fdatasync</c>): a power loss loses at most the batch being written.</summary>
    Batch,
}

/// <summary>How a <see cref="FileJournal"/> writes its segments. Immutable: change it with <c>with</c>.</summary>
public sealed record FileJournalOptions
{
    /// <summary>The defaults: 64 MiB segments, 8 of them kept, no sync.</summary>
    public static FileJournalOptions Default { get; } = new();

    /// <summary>A segment is closed, and the next begins with a snapshot, once it holds this many bytes.</summary>
    public long MaxSegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How many segments are kept; the oldest are deleted (each segment begins with a full snapshot).</summary>
    public int MaxSegments { get; init; } = 8;

    /// <summary>When the disk is asked to keep what was written.</summary>
    public JournalSync Sync { get; init; } = JournalSync.Never;
}
