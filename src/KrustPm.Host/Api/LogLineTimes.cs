using System.Globalization;

namespace KrustPm.Host.Api;

/// <summary>
/// The time of a captured line, when its program writes one (<c>log_timestamps = true</c> puts an ISO 8601 time first
/// on each line): to read lines since a moment, and to interleave several instances' lines in the order they were
/// written. A line without a time of its own (a continuation, a marker) takes the time of the line before it.
/// </summary>
internal static class LogLineTimes
{
    /// <summary>
    /// The lines of several instances as one list: those at or after <paramref name="since"/>, ordered by their time
    /// when they carry one (the order of each instance is kept), else instance after instance.
    /// </summary>
    public static List<LogEntryView> Merge(IEnumerable<IEnumerable<LogEntryView>> instances, DateTimeOffset? since)
    {
        var timed = new List<(DateTimeOffset? At, int Instance, int Index, LogEntryView Entry)>();
        var n = 0;
        foreach (var lines in instances)
        {
            DateTimeOffset? last = null;
            var index = 0;
            foreach (var entry in lines)
            {
                last = TimeOf(entry.Line) ?? last;
                timed.Add((last, n, index++, entry));
            }

            n++;
        }

        var kept = since is { } from ? timed.Where(t => t.At is { } at && at >= from).ToList() : timed;
        return kept.All(t => t.At is not null)
            ? [.. kept.OrderBy(t => t.At).ThenBy(t => t.Instance).ThenBy(t => t.Index).Select(t => t.Entry)]
            : [.. kept.Select(t => t.Entry)];
    }

    /// <summary>The ISO 8601 time a line starts with, if any.</summary>
    public static DateTimeOffset? TimeOf(string line)
    {
        var end = line.IndexOf(' ', StringComparison.Ordinal);
        var first = end < 0 ? line : line[..end];
        return first.Length >= 20 && char.IsAsciiDigit(first[0])
            && DateTimeOffset.TryParse(first, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
    }
}
