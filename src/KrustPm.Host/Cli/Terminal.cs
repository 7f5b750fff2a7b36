using Spectre.Console;

namespace KrustPm.Host.Cli;

/// <summary>
/// Tables and colour for a person at a terminal (Spectre.Console); plain, stable text when stdout is piped or
/// NO_COLOR is set, so scripts and grep see the same columns every time.
/// </summary>
internal static class Terminal
{
    public static bool Fancy =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static Table Table(IReadOnlyList<string> columns, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column));
        }

        var readyColumn = columns.Count > 3 && columns[3] == "READY";
        foreach (var row in rows)
        {
            table.AddRow(row.Select((cell, c) => c == 2 ? Status(cell) : readyColumn && c == 3 ? Ready(cell) : Markup.Escape(cell)).ToArray());
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
