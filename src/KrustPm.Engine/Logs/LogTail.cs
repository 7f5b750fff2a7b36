namespace KrustPm.Engine.Logs;

/// <summary>
/// Reads the last lines of a log, across its rotated files, reading from the end only as far as those lines can
/// reach: lines longer than <see cref="LineSplitter.MaxLineBytes"/> come in pieces, as <see cref="LineSplitter"/>
/// cuts them, so N lines never need more than N pieces' worth of bytes, and never more than <see cref="MaxBytes"/>.
/// </summary>
public static class LogTail
{
    /// <summary>The most bytes one read takes from the end of a log: 8 MiB (say 10,000 lines of 800 bytes).</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    private const int BlockSize = 64 * 1024;

    /// <summary>
    /// The last <paramref name="count"/> lines of a log (current file, then <c>.1</c>, <c>.2</c>...). A rotation
    /// during the read never makes it fail, but may make it repeat or miss lines: <see cref="OutputSink.Follow(int, LogPosition?, out FollowStart)"/>
    /// reads under the sink's lock, where no rotation happens.
    /// </summary>
    /// <param name="currentPath">The current log file (see <see cref="LogFileNames"/>).</param>
    /// <param name="count">How many lines at most.</param>
    /// <param name="maxGenerations">How many rotated files to look into at most.</param>
    /// <returns>
    /// The lines, oldest first, without their line ends (<c>\n</c> or <c>\r\n</c>, as <see cref="LineSplitter"/>
    /// cuts them); bytes that are not UTF-8 become U+FFFD. A line longer than 64 KiB counts as its pieces; when the
    /// read stops (at <see cref="MaxBytes"/>) inside a line, that line is cut from its end, into whole pieces.
    /// </returns>
    public static IReadOnlyList<string> Read(string currentPath, int count, int maxGenerations = 100) =>
        [.. ReadLines(currentPath, count, maxGenerations).Select(line => line.Text)];

    /// <summary>
    /// As <see cref="Read"/>, each line with where it ends in its file (<see cref="LogLine.End"/>): the id a follower
    /// of the log gives it. A last line without its line end yet has none.
    /// </summary>
    /// <param name="currentPath">The current log file (see <see cref="LogFileNames"/>).</param>
    /// <param name="count">How many lines at most.</param>
    /// <param name="maxGenerations">How many rotated files to look into at most.</param>
    /// <returns>The lines, oldest first.</returns>
    public static IReadOnlyList<LogLine> ReadLines(string currentPath, int count, int maxGenerations = 100)
    {
        if (count <= 0)
        {
            return [];
        }

        // count pieces (and the line end before them) always fit in count + 1 pieces' worth of bytes.
        var budget = (int)Math.Min(MaxBytes, (count + 1L) * (LineSplitter.MaxLineBytes + 1));
        var (blocks, stoppedInside) = ReadBlocksFromTheEnd(currentPath, count, budget, maxGenerations);
        blocks.Reverse();

        var skip = stoppedInside ? HeadLength(blocks) % LineSplitter.MaxLineBytes : 0;
        var splitter = new PositionedLineSplitter();
        var lines = new List<LogLine>();
        foreach (var (block, start) in blocks)
        {
            var take = Math.Min(skip, block.Length);
            skip -= take;
            splitter.Push(block.AsSpan(take), start is { } at ? at with { Offset = at.Offset + take } : null, lines);
        }

        if (splitter.Finish() is { } last)
        {
            lines.Add(last);
        }

        return lines.Count <= count ? lines : lines[^count..];
    }

    /// <summary>
    /// Blocks from the end of the log, newest first, until they hold <paramref name="count"/> + 1 line ends, every
    /// file has been read, or <paramref name="budget"/> bytes have been read (then the first block may start inside
    /// a line: <c>StoppedInside</c>).
    /// </summary>
    private static (List<(byte[] Block, LogPosition? Start)> Blocks, bool StoppedInside) ReadBlocksFromTheEnd(string currentPath, int count, int budget, int maxGenerations)
    {
        var blocks = new List<(byte[] Block, LogPosition? Start)>();
        var total = 0;
        var lineEnds = 0;
        var missing = 0;
        for (var generation = 0; generation <= maxGenerations && lineEnds <= count && missing < 2; generation++)
        {
            // Missing: never written, or moved on by a rotation under way, which frees one name at a time. Either way
            // older files may still hold lines; two missing in a row is the end.
            var path = LogFileNames.Rotated(currentPath, generation);
            using var file = OpenOrNull(path);
            missing = file is null ? missing + 1 : 0;
            if (file is null)
            {
                continue;
            }

            var identity = AppendOnlyFile.IdentityOf(path);

            var position = file.Length;
            while (position > 0 && lineEnds <= count)
            {
                if (total == budget)
                {
                    return (blocks, lineEnds <= count);
                }

                var size = (int)Math.Min(Math.Min(BlockSize, position), budget - total);
                position -= size;
                var block = new byte[size];
                file.Position = position;
                file.ReadExactly(block);
                lineEnds += block.AsSpan().Count((byte)'\n');
                total += size;
                blocks.Add((block, identity?.At(position)));
            }
        }

        return (blocks, false);
    }

    /// <summary>How many bytes come before the first line end (all of them when there is none).</summary>
    private static int HeadLength(List<(byte[] Block, LogPosition? Start)> blocks)
    {
        var length = 0;
        foreach (var (block, _) in blocks)
        {
            var end = block.AsSpan().IndexOf((byte)'\n');
            if (end >= 0)
            {
                return length + end;
            }

            length += block.Length;
        }

        return length;
    }

    private static FileStream? OpenOrNull(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException ||
            (error is UnauthorizedAccessException && Directory.Exists(path)))
        {
            return null;
        }
    }
}
