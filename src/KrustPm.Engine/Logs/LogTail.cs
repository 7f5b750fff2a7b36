using System.Text;

namespace KrustPm.Engine.Logs;

/// <summary>Reads the last lines of a log, across its rotated files, reading from the end (never a whole file).</summary>
public static class LogTail
{
    private const int BlockSize = 64 * 1024;

    /// <summary>The last <paramref name="count"/> lines of a log (current file, then <c>.1</c>, <c>.2</c>...).</summary>
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
        for (var generation = 0; generation <= maxGenerations && lineEnds <= count; generation++)
        {
            var path = LogFileNames.Rotated(currentPath, generation);
            if (!File.Exists(path))
            {
                if (generation == 0)
                {
                    continue; // Rotated just now, or never written: older files may still hold lines.
                }

                break;
            }

            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
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
}
