using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace KrustPm.Engine.Logs;

/// <summary>
/// A place in an instance's log that outlives krust-pm: a file (its inode, which a rename by a rotation keeps, and
/// its birth time, which tells it from a later file that reuses the inode) and a byte offset in it. Written
/// <c>INODE:BORN:OFFSET</c>, it is the id of a followed line (the offset just after its line end), so that a reader
/// that comes back with it continues after that line.
/// </summary>
/// <param name="File">The log file's inode number.</param>
/// <param name="Born">When the file was created, in nanoseconds since 1970; 0 where the file system does not say.</param>
/// <param name="Offset">The byte offset in that file.</param>
public readonly record struct LogPosition(ulong File, long Born, long Offset)
{
    /// <summary>The position as <c>INODE:BORN:OFFSET</c>.</summary>
    /// <returns>The text form, which <see cref="TryParse"/> reads back.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{File}:{Born}:{Offset}");

    /// <summary>Reads <c>INODE:BORN:OFFSET</c> (decimal digits only).</summary>
    /// <param name="text">The text, e.g. an SSE <c>Last-Event-ID</c>.</param>
    /// <param name="position">The position read.</param>
    /// <returns>Whether the text is a position.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out LogPosition position)
    {
        position = default;
        var parts = text?.Split(':');
        if (parts is not [var file, var born, var offset]
            || !ulong.TryParse(file, NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            || !long.TryParse(born, NumberStyles.None, CultureInfo.InvariantCulture, out var birth)
            || !long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var at))
        {
            return false;
        }

        position = new LogPosition(inode, birth, at);
        return true;
    }

    /// <summary>Whether this is a place in the file <paramref name="inode"/> born at <paramref name="born"/> (0: unknown).</summary>
    internal bool IsIn(ulong inode, long born) => File == inode && (Born == 0 || born == 0 || Born == born);
}

/// <summary>A line of an instance's output, and where it ends in its log file when that is known.</summary>
/// <param name="Text">The line, without its line end.</param>
/// <param name="End">
/// Just after its line end in the log file: the id a reader resumes from. <see langword="null"/> for a line not
/// (or not known to be) in a log file, a piece of a line cut for length, and krust-pm's notes to the reader.
/// </param>
public readonly record struct LogLine(string Text, LogPosition? End);
