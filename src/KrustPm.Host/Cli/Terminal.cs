using Spectre.Console;

namespace KrustPm.Host.Cli;

/// <summary>
/// Tables and colour for a person at a terminal (Spectre.Console); plain, stable text when stdout is piped or
/// NO_COLOR is set, so scripts and grep see the same columns every time.
/// </summary>
internal static class Terminal
{
    /// <summary>Headers that have a shorter form for a narrow terminal.</summary>
    private static readonly Dictionary<string, string> ShortHeaders = new(StringComparer.Ordinal) { ["LAST EXIT"] = "EXIT" };

    /// <summary>
    /// The plain form of a table (piped, <c>NO_COLOR</c>): a header line, then one line per row, each column padded to
    /// its widest cell and two spaces apart, so that scripts and grep see the same columns every time.
    /// </summary>
    public static string Plain(IReadOnlyList<string> columns, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { columns.ToArray() };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, columns.Count).Select(c => all.Max(r => r[c].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in all)
        {
            text.Append(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    public static bool Fancy =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>
    /// A table of the columns and rows, each column as wide as its widest cell so that no name or status is broken
    /// across lines; within <paramref name="width"/> characters the last column (a sentence: the last exit) is cut
    /// with an ellipsis when the others leave it too little room.
    /// </summary>
    public static Table Table(IReadOnlyList<string> columns, IEnumerable<string[]> rows, int? width = null)
    {
        var all = rows.ToList();
        var widths = columns.Select((name, c) => Math.Max(name.Length, all.Count == 0 ? 0 : all.Max(r => r[c].Length))).ToArray();
        var last = widths.Length - 1;
        var headers = columns.ToArray();
        if (width is { } room && StatusFit.Width(widths) > room)
        {
            // The last column gets what is left, down to its header's short form (LAST EXIT: EXIT).
            var left = widths[last] - (StatusFit.Width(widths) - room);
            if (left < headers[last].Length && ShortHeaders.TryGetValue(headers[last], out var shorter))
            {
                headers[last] = shorter;
            }

            widths[last] = Math.Max(headers[last].Length, left);
        }

        var table = new Table().Border(TableBorder.Rounded);
        for (var c = 0; c < columns.Count; c++)
        {
            table.AddColumn(new TableColumn(headers[c]) { Width = widths[c], NoWrap = true });
        }

        var readyColumn = columns.Count > 3 && columns[3] == "READY";
        foreach (var row in all)
        {
            table.AddRow(row.Select((cell, c) =>
                c == 2 ? Status(cell)
                : readyColumn && c == 3 ? Ready(cell)
                : Markup.Escape(c == last && cell.Length > widths[c] ? string.Concat(cell.AsSpan(0, widths[c] - 1), "…") : cell)).ToArray());
        }

        return table;
    }

    private static string Ready(string ready) => ready switch
    {
        "yes" => "[green]yes[/]",
        "no" => "[yellow]no[/]",
        _ => Markup.Escape(ready),
    };

    private static string Status(string status) => status switch
    {
        "Running" => "[green]Running[/]",
        "Started" or "Backoff" or "Stopping" => $"[yellow]{status}[/]",
        "RetriesExceeded" or "Failed" or "Blocked" => $"[red]{status}[/]",
        "Waiting" => "[blue]Waiting[/]",
        _ => Markup.Escape(status),
    };
}
