using System.Text.Json;
using KrustPm.Host.Cli;
using Spectre.Console;

namespace KrustPm.Host.Tests.Cli;

/// <summary>The terminal status table at a given width: whole names and statuses, least useful columns dropped first.</summary>
public sealed class StatusFitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static readonly List<string[]> Rows = StatusCommand.Rows(
        JsonDocument.Parse("""
            [
              { "name": "payment-gateway-worker", "instances": [
                  { "id": 0, "currentTry": 1, "status": "Running", "pid": 424242, "startedAt": "2026-11-26T09:57:55+00:00" },
                  { "id": 13, "currentTry": 4, "status": "RetriesExceeded", "lastExitCode": 3 } ] },
              { "name": "db", "instances": [
                  { "id": 0, "currentTry": 2, "status": "Backoff", "lastError": "no such file or directory: './postgres-wrapper --config /etc/pg.conf'" } ] }
            ]
            """).RootElement.EnumerateArray(),
        Now);

    [Theory]
    [InlineData(60)]
    [InlineData(80)]
    public void A_narrow_terminal_gets_whole_names_and_statuses_within_its_width(int width)
    {
        var lines = Render(width);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', lines));

        Assert.All(lines, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        Assert.Contains(lines, l => l.Contains("payment-gateway-worker", StringComparison.Ordinal) && l.Contains("RetriesExceeded", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("NAME", StringComparison.Ordinal) && l.Contains("STATUS", StringComparison.Ordinal) && l.Contains("EXIT", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("db ", StringComparison.Ordinal) && l.Contains("Backoff", StringComparison.Ordinal) && l.TrimEnd('│', ' ').EndsWith('…'));
        Assert.DoesNotContain(lines, l => l.Contains("TRIES", StringComparison.Ordinal));
        Assert.Equal(2 + 3 + 2, lines.Count); // borders, header, three rows: one line each
    }

    [Fact]
    public void A_wide_terminal_gets_every_column()
    {
        var header = Render(200).Single(l => l.Contains("NAME", StringComparison.Ordinal));

        Assert.Equal(["NAME", "ID", "STATUS", "PID", "UPTIME", "CPU", "MEM", "TRIES", "LAST", "EXIT"], header.Split([' ', '│'], StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Columns_go_least_useful_first()
    {
        var columns = StatusCommand.Columns(ready: true);
        List<string[]> rows = [["web", "0", "Running", "yes", "1234", "2m05s", "0.5%", "12.0M", "1", "-"]];

        Assert.Equal(columns, StatusFit.Fit(columns, rows, 200).Columns);
        Assert.Equal(["NAME", "ID", "STATUS", "READY", "PID", "MEM", "LAST EXIT"], StatusFit.Fit(columns, rows, 60).Columns);
        Assert.Equal(["NAME", "ID", "STATUS", "LAST EXIT"], StatusFit.Fit(columns, rows, 20).Columns);
    }

    private static List<string> Render(int width)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        var (columns, rows) = StatusFit.Fit(StatusCommand.Columns(ready: false), Rows, width);
        console.Write(Terminal.Table(columns, rows, width));
        return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
    }
}
