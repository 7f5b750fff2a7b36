using System.Text.Json;

namespace KrustPm.Engine.Journal;

/// <summary>What one segment file holds: its header, its good records, and where reading had to stop.</summary>
/// <param name="Path">The file.</param>
/// <param name="Header">Its header, or <see langword="null"/> when the first line is missing or damaged.</param>
/// <param name="Records">The records up to the end, or up to the first damaged one.</param>
/// <param name="Damaged">Whether a damaged record stopped the reading (the records after it are not read).</param>
internal sealed record SegmentContents(string Path, SegmentHeader? Header, IReadOnlyList<JournalRecord> Records, bool Damaged);

/// <summary>
/// Reads a segment file line by line. A last line without its newline, or whose checksum does not match, was torn by
/// a crash while it was written: it is left out (and cut off the file when asked). A damaged line before the last
/// stops the reading there: nothing after it is guessed at. A good line whose event type is unknown (written by a
/// newer krust-pm) is skipped. Every problem is reported once, with the file and the byte offset.
/// </summary>
internal static class SegmentReader
{
    public static SegmentContents Read(string path, bool cutTornTail, Action<string> warn)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            warn($"journal: cannot read {path}: {error.Message}");
            return new SegmentContents(path, null, [], Damaged: true);
        }

        SegmentHeader? header = null;
        var records = new List<JournalRecord>();
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        var offset = 0;
        var line = 0;
        while (offset < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', offset);
            var last = end < 0 || end == bytes.Length - 1;
            var text = bytes.AsSpan(offset, (end < 0 ? bytes.Length : end) - offset);
            line++;
            if (end < 0 || !JournalLines.IsIntact(text))
            {
                if (last)
                {
                    warn($"journal: {path}: the last record (line {line}, byte {offset}) is incomplete, torn by a stop while it was written; it is {(cutTornTail ? "cut off" : "left out")}");
                    if (cutTornTail)
                    {
                        Cut(path, offset, warn);
                    }

                    return new SegmentContents(path, header, records, Damaged: false);
                }

                warn($"journal: {path}: the record at line {line} (byte {offset}) is damaged (its checksum does not match); the {Later(bytes, end)} record(s) after it in this file are not read");
                return new SegmentContents(path, header, records, Damaged: true);
            }

            if (line == 1)
            {
                header = ReadHeader(path, text, warn);
                if (header is null)
                {
                    return new SegmentContents(path, null, records, Damaged: true);
                }
            }
            else if (ReadRecord(path, text, line, unknown, warn) is { } record)
            {
                records.Add(record);
            }

            offset = end + 1;
        }

        return new SegmentContents(path, header, records, Damaged: false);
    }

    /// <summary>Only the header of a segment (its first line), or <see langword="null"/> when it is not readable.</summary>
    public static SegmentHeader? ReadHeaderOnly(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var line = new List<byte>(4096);
            int next;
            while ((next = file.ReadByte()) >= 0 && next != '\n')
            {
                line.Add((byte)next);
            }

            return next == '\n' && JournalLines.IsIntact(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line))
                ? JournalLines.ReadHeader(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line))
                : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static SegmentHeader? ReadHeader(string path, ReadOnlySpan<byte> text, Action<string> warn)
    {
        try
        {
            return JournalLines.ReadHeader(text);
        }
        catch (JsonException error)
        {
            warn($"journal: {path}: the first line is not a segment header ({error.Message}); the file is not read");
            return null;
        }
    }

    private static JournalRecord? ReadRecord(string path, ReadOnlySpan<byte> text, int line, HashSet<string> unknown, Action<string> warn)
    {
        try
        {
            return JournalLines.Read(text);
        }
        catch (Exception error) when (error is JsonException or NotSupportedException)
        {
            var type = JournalLines.EventType(text) ?? "(none)";
            if (unknown.Add(type))
            {
                warn($"journal: {path}: line {line} holds an event of a type this krust-pm does not know ({type}), written by a newer one; such events are skipped");
            }

            return null;
        }
    }

    private static int Later(byte[] bytes, int end) =>
        end < 0 ? 0 : bytes.AsSpan(end + 1).Count((byte)'\n') + (bytes[^1] == (byte)'\n' ? 0 : 1);

    private static void Cut(string path, long offset, Action<string> warn)
    {
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
            RandomAccess.SetLength(file, offset);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            warn($"journal: cannot cut the torn record off {path}: {error.Message}");
        }
    }
}
