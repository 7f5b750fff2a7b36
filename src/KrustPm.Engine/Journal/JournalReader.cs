namespace KrustPm.Engine.Journal;

/// <summary>The state a journal rebuilds, and what reading it found wrong.</summary>
/// <param name="State">The state (<see cref="EngineState.Empty"/> when the journal holds nothing readable).</param>
/// <param name="Warnings">One sentence per problem, naming the file and the byte offset.</param>
public sealed record JournalRestore(EngineState State, IReadOnlyList<string> Warnings);

/// <summary>The state a journal held at a moment.</summary>
/// <param name="State">The state then.</param>
/// <param name="At">When the last event folded into it happened (or its segment began).</param>
public sealed record JournalMoment(EngineState State, DateTimeOffset At);

/// <summary>Reads a journal folder written by <see cref="FileJournal"/>: to restore, to replay a moment, to list events.</summary>
public static class JournalReader
{
    /// <summary>
    /// The state to start from: the newest segment's snapshot with its records folded in. A torn last record is cut
    /// off the file; a damaged record stops the fold before it; a segment without a readable header is passed over
    /// for the one before it. Never throws for what the files hold.
    /// </summary>
    /// <param name="directory">The journal folder (missing: nothing to restore).</param>
    /// <returns>The state and the warnings.</returns>
    public static JournalRestore Restore(string directory)
    {
        var warnings = new List<string>();
        var segments = JournalSegments.List(directory);
        for (var index = segments.Count - 1; index >= 0; index--)
        {
            var path = segments[index].Path;
            var contents = SegmentReader.Read(path, cutTornTail: index == segments.Count - 1, warnings.Add);
            if (contents.Header is null)
            {
                if (new FileInfo(path).Length == 0)
                {
                    File.Delete(path); // a segment torn before its header was written holds nothing
                }

                continue;
            }

            if (index < segments.Count - 1)
            {
                warnings.Add($"journal: starting from {path}, the newest segment with a readable beginning; what came after it is not guessed at");
            }
            else if (contents.Damaged)
            {
                warnings.Add($"journal: starting from the last good record of {path}");
            }

            return new JournalRestore(JournalFold.Fold(contents.Header.State, contents.Records), warnings);
        }

        if (segments.Count > 0)
        {
            warnings.Add($"journal: no segment of {directory} could be read; starting from the configuration alone");
        }

        return new JournalRestore(EngineState.Empty, warnings);
    }

    /// <summary>Every record after <paramref name="afterId"/>, oldest first, across every segment kept.</summary>
    /// <param name="directory">The journal folder.</param>
    /// <param name="afterId">Only records with a larger id (0: all).</param>
    /// <param name="warn">Told of every problem found.</param>
    /// <returns>The records, read one segment at a time.</returns>
    public static IEnumerable<JournalRecord> Records(string directory, long afterId, Action<string> warn)
    {
        var segments = JournalSegments.List(directory);
        var last = afterId;
        for (var index = 0; index < segments.Count; index++)
        {
            // A later segment that begins at or before the id wanted has nothing older to offer: skip straight to it.
            if (index + 1 < segments.Count && SegmentStart(segments[index + 1].Path) is { } next && next <= afterId)
            {
                continue;
            }

            foreach (var record in SegmentReader.Read(segments[index].Path, cutTornTail: false, warn).Records)
            {
                if (record.Id > last)
                {
                    last = record.Id;
                    yield return record;
                }
            }
        }
    }

    /// <summary>
    /// The state at a moment: the last one whose version is at most <paramref name="version"/>, or whose last event
    /// happened at or before <paramref name="at"/>; the newest state when both are <see langword="null"/>.
    /// </summary>
    /// <param name="directory">The journal folder.</param>
    /// <param name="version">The version wanted, or <see langword="null"/>.</param>
    /// <param name="at">The time wanted, or <see langword="null"/>.</param>
    /// <param name="warn">Told of every problem found.</param>
    /// <returns>The state then, or <see langword="null"/> when the journal holds nothing that early.</returns>
    public static JournalMoment? StateAt(string directory, long? version, DateTimeOffset? at, Action<string> warn)
    {
        SegmentContents? chosen = null;
        foreach (var (_, path) in JournalSegments.List(directory).Reverse())
        {
            var contents = SegmentReader.Read(path, cutTornTail: false, warn);
            if (contents.Header is { } header
                && (version is null || header.State.Version <= version)
                && (at is null || header.CreatedAt <= at))
            {
                chosen = contents;
                break;
            }
        }

        if (chosen?.Header is not { } start)
        {
            return null;
        }

        var (state, when) = (start.State, start.CreatedAt);
        foreach (var record in chosen.Records)
        {
            if ((version is { } v && record.Version > v) || (at is { } time && record.Event.At > time))
            {
                break;
            }

            (state, when) = (JournalFold.Apply(state, record), record.Event.At);
        }

        return new JournalMoment(state, when);
    }

    /// <summary>The id of the last event before a segment began (its snapshot's), read from its first line only.</summary>
    private static long? SegmentStart(string path) => SegmentReader.ReadHeaderOnly(path)?.State.LastEventId;
}
