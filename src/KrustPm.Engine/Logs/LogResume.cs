namespace KrustPm.Engine.Logs;

/// <summary>
/// Reads a log from a <see cref="LogPosition"/> on: the rest of the file with that inode (the current file, or one
/// rotated to <c>.1</c>, <c>.2</c>... by krust-pm or logrotate), then every newer file. Called under the sink's lock,
/// where krust-pm neither writes nor rotates.
/// </summary>
internal static class LogResume
{
    /// <summary>The lines after the position, the bytes of a line not finished yet (for the follower) and why some are missing.</summary>
    /// <param name="Lines">The whole lines; <see langword="null"/> when the log no longer has the position.</param>
    /// <param name="Unfinished">The bytes after the last line end, with where they start: they go to the follower.</param>
    /// <param name="Missed">Why lines are missing, or <see langword="null"/>.</param>
    public readonly record struct Result(IReadOnlyList<LogLine>? Lines, IReadOnlyList<(byte[] Bytes, LogPosition Start)> Unfinished, string? Missed);

    public static Result Read(string currentPath, LogPosition after, int maxGenerations = 100)
    {
        var generation = Find(currentPath, after, maxGenerations, out var size);
        if (generation < 0)
        {
            return new Result(null, [], $"the log no longer has where this reader stopped ({after}): it was rotated away or removed since; lines written in between may be missing");
        }

        if (after.Offset > size || !AfterALineEnd(LogFileNames.Rotated(currentPath, generation), after.Offset))
        {
            return new Result(null, [], $"the log was truncated since this reader stopped ({after}, the file now holds {size} bytes): lines written in between may be missing");
        }

        // Newest last: the rest of the file the reader was in, then each newer file whole.
        var chunks = new List<(byte[] Bytes, LogPosition Start)>();
        long total = 0;
        for (var g = generation; g >= 0; g--)
        {
            var path = LogFileNames.Rotated(currentPath, g);
            if (Open(path) is not { } file)
            {
                continue; // a name freed by a rotation under way (logrotate's): nothing of ours is in it
            }

            using (file)
            {
                var identity = AppendOnlyFile.IdentityOf(path);
                var from = g == generation ? after.Offset : 0;
                var length = RandomAccess.GetLength(file) - from;
                if (identity is not { } known || length <= 0)
                {
                    continue;
                }

                var bytes = new byte[length];
                var read = RandomAccess.Read(file, bytes, from);
                chunks.Add((read == bytes.Length ? bytes : bytes[..read], known.At(from)));
                total += read;
            }
        }

        string? missed = null;
        if (total > LogTail.MaxBytes)
        {
            missed = $"{total - LogTail.MaxBytes} bytes written since this reader stopped ({after}) are not shown again: more than one read takes ({LogTail.MaxBytes} bytes); the log files have them";
            chunks = Last(chunks, LogTail.MaxBytes);
        }

        return Split(chunks, missed);
    }

    /// <summary>
    /// Whether the byte before <paramref name="offset"/> ends a line, as it does where a line id points: a file
    /// truncated and written again since has other bytes there.
    /// </summary>
    private static bool AfterALineEnd(string path, long offset)
    {
        if (offset == 0)
        {
            return true;
        }

        using var file = Open(path);
        Span<byte> before = stackalloc byte[1];
        return file is not null && RandomAccess.Read(file, before, offset - 1) == 1 && before[0] == (byte)'\n';
    }

    /// <summary>Which generation (0 the current file) is the file the position is in, or -1.</summary>
    private static int Find(string currentPath, LogPosition position, int maxGenerations, out long size)
    {
        var missing = 0;
        for (var generation = 0; generation <= maxGenerations && missing < 2; generation++)
        {
            var identity = AppendOnlyFile.IdentityOf(LogFileNames.Rotated(currentPath, generation));
            missing = identity is null ? missing + 1 : 0;
            if (identity is { } found && position.IsIn(found.Inode, found.Born))
            {
                size = found.Size;
                return generation;
            }
        }

        size = 0;
        return -1;
    }

    /// <summary>The last <paramref name="budget"/> bytes, from the first line end in them on (a cut line is not shown).</summary>
    private static List<(byte[] Bytes, LogPosition Start)> Last(List<(byte[] Bytes, LogPosition Start)> chunks, long budget)
    {
        var kept = new List<(byte[] Bytes, LogPosition Start)>();
        for (var i = chunks.Count - 1; i >= 0 && budget > 0; i--)
        {
            var (bytes, start) = chunks[i];
            var take = (int)Math.Min(bytes.Length, budget);
            budget -= take;
            kept.Insert(0, (bytes[^take..], start with { Offset = start.Offset + bytes.Length - take }));
        }

        // Start after the first line end: the bytes before it are the end of a line whose start is not shown.
        while (kept.Count > 0)
        {
            var (bytes, start) = kept[0];
            var newline = Array.IndexOf(bytes, (byte)'\n');
            kept.RemoveAt(0);
            if (newline >= 0)
            {
                if (newline + 1 < bytes.Length)
                {
                    kept.Insert(0, (bytes[(newline + 1)..], start with { Offset = start.Offset + newline + 1 }));
                }

                break;
            }
        }

        return kept;
    }

    /// <summary>Whole lines with their positions; the bytes after the last line end stay unsplit, for the follower.</summary>
    private static Result Split(List<(byte[] Bytes, LogPosition Start)> chunks, string? missed)
    {
        var last = chunks.FindLastIndex(c => Array.IndexOf(c.Bytes, (byte)'\n') >= 0);
        var lines = new List<LogLine>();
        var unfinished = new List<(byte[] Bytes, LogPosition Start)>();
        var splitter = new PositionedLineSplitter();
        for (var i = 0; i < chunks.Count; i++)
        {
            var (bytes, start) = chunks[i];
            if (i < last)
            {
                splitter.Push(bytes, start, lines);
            }
            else if (i == last)
            {
                var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
                splitter.Push(bytes.AsSpan(0, end), start, lines);
                if (end < bytes.Length)
                {
                    unfinished.Add((bytes[end..], start with { Offset = start.Offset + end }));
                }
            }
            else
            {
                unfinished.Add((bytes, start));
            }
        }

        return new Result(lines, unfinished, missed);
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle? Open(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
