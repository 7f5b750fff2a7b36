using System.Text;

namespace KrustPm.Engine.Logs;

/// <summary>Reads the last lines of a log, across its rotated files, reading from the end (never a whole file).</summary>
public static class LogTail
{
    private const int BlockSize = 64 * 1024;

    /// <summary>
    /// The last <paramref name="count"/> lines of a log (current file, then <c>.1</c>, <c>.2</c>...). A rotation
    /// during the read never makes it fail, but may make it repeat or miss lines: <see cref="OutputSink.Follow"/>
    /// reads under the sink's lock, where no rotation happens.
    /// </summary>
    /// <param name="currentPath">The current log file (see <see cref="LogFileNames"/>).</param>
    /// <param name="count">How many lines at most.</param>
    /// <param name="maxGenerations">How many rotated files to look into at most.</param>
    /// <returns>
    /// The lines, oldest first, without their line ends (<c>\n</c> or <c>\r\n</c>, as <see cref="LineSplitter"/>
    /// cuts them); bytes that are not UTF-8 become U+FFFD.
    /// </returns>
    public static IReadOnlyList<string> Read(string currentPath, int count, int maxGenerations = 100)
    {
        if (count <= 0)
        {
            return [];
        }

        // Blocks are gathered newest first until they hold count+1 line ends (or every file has been read).
        var blocks = new List<byte[]>();
        var lineEnds = 0;
        var lastByteSeen = false;
        var endsWithNewline = false;
        var missing = 0;
        for (var generation = 0; generation <= maxGenerations && lineEnds <= count && missing < 2; generation++)
        {
            // Missing: never written, or moved on by a rotation under way, which frees one name at a time. Either way
            // older files may still hold lines; two missing in a row is the end.
            using var file = OpenOrNull(LogFileNames.Rotated(currentPath, generation));
            missing = file is null ? missing + 1 : 0;
            if (file is null)
            {
                continue;
            }

            var position = file.Length;
            while (position > 0 && lineEnds <= count)
            {
                var size = (int)Math.Min(BlockSize, position);
                position -= size;
                var block = new byte[size];
                file.Position = position;
                file.ReadExactly(block);
                if (!lastByteSeen && size > 0)
                {
                    lastByteSeen = true;
                    endsWithNewline = block[^1] == (byte)'\n';
                }

                lineEnds += block.AsSpan().Count((byte)'\n');
                blocks.Add(block);
            }
        }

        blocks.Reverse();
        var text = Encoding.UTF8.GetString(blocks.SelectMany(b => b).ToArray());
        var lines = text.Split('\n');
        var complete = endsWithNewline ? lines[..^1] : lines;
        if (complete.Length == 1 && complete[0].Length == 0 && !lastByteSeen)
        {
            return [];
        }

        var last = complete.Length <= count ? complete : complete[^count..];
        return [.. last.Select(line => line.EndsWith('\r') ? line[..^1] : line)];
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
