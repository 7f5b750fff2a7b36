using KrustPm.Host.Api;

namespace KrustPm.Host.Tests.Api;

/// <summary>How the lines of several instances are merged: by the time each line starts with, when they have one.</summary>
public sealed class LogLineTimesTests
{
    [Fact]
    public void Timed_lines_are_merged_in_time_order_and_an_untimed_line_follows_the_line_before_it()
    {
        var merged = LogLineTimes.Merge(
            [
                Lines(0, "2026-12-04T10:00:00.000Z a", "  continued", "2026-12-04T10:00:02.000Z c"),
                Lines(1, "2026-12-04T10:00:01.000+00:00 b"),
            ],
            since: null);

        Assert.Equal(
            ["0 2026-12-04T10:00:00.000Z a", "0   continued", "1 2026-12-04T10:00:01.000+00:00 b", "0 2026-12-04T10:00:02.000Z c"],
            merged.Select(e => $"{e.Instance} {e.Line}"));
    }

    [Fact]
    public void Lines_without_times_stay_instance_after_instance()
    {
        var merged = LogLineTimes.Merge([Lines(0, "x", "y"), Lines(1, "z")], since: null);

        Assert.Equal(["x", "y", "z"], merged.Select(e => e.Line));
    }

    [Fact]
    public void Since_keeps_the_lines_at_or_after_it()
    {
        var merged = LogLineTimes.Merge(
            [Lines(0, "2026-12-04T10:00:00Z old", "2026-12-04T10:05:00Z new")],
            since: DateTimeOffset.Parse("2026-12-04T10:05:00Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(["2026-12-04T10:05:00Z new"], merged.Select(e => e.Line));
    }

    private static IEnumerable<LogEntryView> Lines(long instance, params string[] lines) =>
        lines.Select(line => new LogEntryView("web", instance, line));
}
