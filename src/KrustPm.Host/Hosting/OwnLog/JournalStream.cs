using System.Globalization;

namespace KrustPm.Host.Hosting.OwnLog;

/// <summary>
/// Whether krust-pm's stderr is the journal: systemd sets <c>JOURNAL_STREAM=DEVICE:INODE</c> for a service whose
/// output goes to journald, and a program should believe it only while its stderr is still that stream (a child of a
/// service inherits the variable with stderr redirected elsewhere). The stream is a socket, whose inode is unique,
/// so krust-pm compares the inode that <c>/proc/self/fd/2</c> links to (<c>socket:[INODE]</c>).
/// </summary>
internal static class JournalStream
{
    /// <summary>Whether stderr is the stream <c>JOURNAL_STREAM</c> names.</summary>
    public static bool IsStandardError() =>
        Matches(Environment.GetEnvironmentVariable("JOURNAL_STREAM"), ReadLink("/proc/self/fd/2"));

    /// <summary>Whether <paramref name="journalStream"/> (<c>DEVICE:INODE</c>) names the file <paramref name="fdLink"/> (<c>socket:[INODE]</c>) is.</summary>
    internal static bool Matches(string? journalStream, string? fdLink)
    {
        if (journalStream is null || fdLink is null)
        {
            return false;
        }

        var colon = journalStream.IndexOf(':', StringComparison.Ordinal);
        var open = fdLink.IndexOf(":[", StringComparison.Ordinal);
        return colon > 0
            && open > 0
            && fdLink.EndsWith(']')
            && ulong.TryParse(journalStream.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && ulong.TryParse(journalStream.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            && ulong.TryParse(fdLink.AsSpan(open + 2, fdLink.Length - open - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var linked)
            && inode == linked;
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
