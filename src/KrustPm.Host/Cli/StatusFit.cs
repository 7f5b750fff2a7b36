namespace KrustPm.Host.Cli;

/// <summary>
/// Fits the status table to the terminal's width: when it is too wide, the least useful columns go first (tries,
/// uptime, pid, ready), never the name, the id, the status or the last exit, so a narrow terminal (60 columns, a
/// phone over SSH) shows whole names and statuses instead of words broken across lines.
/// </summary>
internal static class StatusFit
{
    /// <summary>The columns that may go, least useful first. A name not in the table is skipped.</summary>
    private static readonly string[] DropOrder = ["TRIES", "UPTIME", "CPU", "MEM", "PID", "READY"];

    /// <summary>What a rounded Spectre table adds to its cells: a separator and a space each side per column, plus the last border.</summary>
    public static int Width(IReadOnlyList<int> cellWidths) => cellWidths.Sum() + (3 * cellWidths.Count) + 1;

    /// <summary>The columns and rows that fit in <paramref name="width"/> characters (all of them when they fit, or when nothing is left to drop).</summary>
    public static (IReadOnlyList<string> Columns, List<string[]> Rows) Fit(IReadOnlyList<string> columns, List<string[]> rows, int width)
    {
        var kept = Enumerable.Range(0, columns.Count).ToList();
        foreach (var name in DropOrder)
        {
            if (Width(kept.Select(c => Math.Max(columns[c].Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToList()) <= width)
            {
                break;
            }

            var index = IndexOf(columns, name);
            if (index >= 0)
            {
                kept.Remove(index);
            }
        }

        return kept.Count == columns.Count
            ? (columns, rows)
            : ([.. kept.Select(c => columns[c])], [.. rows.Select(r => kept.Select(c => r[c]).ToArray())]);
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
