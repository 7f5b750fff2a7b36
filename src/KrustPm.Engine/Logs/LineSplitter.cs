using System.Text;

namespace KrustPm.Engine.Logs;

/// <summary>
/// Cuts a byte stream into lines (without their line ends), keeping a partial last line until its end arrives. A
/// line longer than <see cref="MaxLineBytes"/> is cut there, so memory stays bounded.
/// </summary>
public sealed class LineSplitter
{
    /// <summary>The longest line kept whole: 64 KiB.</summary>
    public const int MaxLineBytes = 64 * 1024;

    private readonly List<byte> _partial = [];

    /// <summary>Adds bytes; returns the lines they complete.</summary>
    /// <param name="data">The next bytes of the stream.</param>
    /// <returns>The completed lines, decoded as UTF-8 (invalid bytes become U+FFFD), a trailing <c>\r</c> removed.</returns>
    public List<string> Push(ReadOnlySpan<byte> data)
    {
        var lines = new List<string>();
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)'\n');
            var room = MaxLineBytes - _partial.Count;
            if (end >= 0 && end <= room)
            {
                _partial.AddRange(data[..end]);
                lines.Add(Flush());
                data = data[(end + 1)..];
            }
            else if (room == 0)
            {
                // Full, and more than its end follows: cut here. Not earlier, when the chunk ended: a line of exactly
                // the limit whose newline comes in the next chunk is one line, as it is when both come together.
                lines.Add(Flush());
            }
            else
            {
                var take = Math.Min(data.Length, room);
                _partial.AddRange(data[..take]);
                data = data[take..];
            }
        }

        return lines;
    }

    /// <summary>The partial last line, if any (at the end of a stream).</summary>
    /// <returns>The line, or <see langword="null"/> when there is none.</returns>
    public string? Finish() => _partial.Count > 0 ? Flush() : null;

    private string Flush()
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partial);
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        var line = Encoding.UTF8.GetString(span);
        _partial.Clear();
        return line;
    }
}
