using System.Text.Json;
using KrustPm.Host.Hosting;
using KrustPm.Host.Hosting.OwnLog;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KrustPm.Host.Tests.Hosting.OwnLog;

/// <summary>The line shapes of krust-pm's own log: text (terminal, file, journal) and JSON.</summary>
public sealed class OwnLogFormatterTests
{
    private static readonly TimeProvider Time = new FixedTime();

    [Fact]
    public void A_text_line_has_date_time_offset_level_a_short_source_and_the_message()
    {
        var line = Text(toJournal: false, LogLevel.Warning, typeof(EngineEventLog).FullName!, "bad.0 exited with code 3; restarting now (try 2)");

        Assert.Equal("2026-12-04 23:42:00.646 +01:00 WARN  engine: bad.0 exited with code 3; restarting now (try 2)\n", line);
    }

    [Theory]
    [InlineData("KrustPm.Host.Hosting.ProcessSignals", "process-signals")]
    [InlineData("KrustPm.Host.Dashboard.DashboardLink", "dashboard-link")]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel", "kestrel")]
    [InlineData("KrustPm.Host.Api.ApiGuard", "api-guard")]
    public void The_source_is_the_categorys_last_name_in_kebab_case(string category, string source) =>
        Assert.Equal(source, LogWords.Source(category));

    [Theory]
    [InlineData(LogLevel.Information, "<6>engine: started\n")]
    [InlineData(LogLevel.Warning, "<4>engine: started\n")]
    [InlineData(LogLevel.Error, "<3>engine: started\n")]
    [InlineData(LogLevel.Critical, "<2>engine: started\n")]
    public void To_the_journal_a_line_carries_its_priority_and_no_time_of_its_own(LogLevel level, string expected) =>
        Assert.Equal(expected, Text(toJournal: true, level, typeof(EngineEventLog).FullName!, "started"));

    [Fact]
    public void A_message_with_a_line_break_stays_one_line() =>
        Assert.EndsWith("engine: web.0 could not start: a\\nb\n", Text(false, LogLevel.Error, "EngineEventLog", "web.0 could not start: a\nb"), StringComparison.Ordinal);

    [Fact]
    public void A_json_line_carries_the_values_as_fields_of_their_own_and_a_standard_level()
    {
        var state = new LogFields("bad.0 exited with code 3; restart in 11 ms (try 2, 1 failure(s) in a row)",
        [
            new("program", "bad"), new("instance", 0L), new("try", 1), new("exitCode", 3), new("delayMs", 11L),
        ]);
        var writer = new StringWriter();
        new JsonLogFormatter(Time).Write(
            new LogEntry<LogFields>(LogLevel.Warning, typeof(EngineEventLog).FullName!, new EventId(1, "instance.exited"), state, null, LogFields.Format),
            null,
            writer);

        var text = writer.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("2026-12-04T23:42:00.646+01:00", root.GetProperty("time").GetString());
        Assert.Equal("WARN", root.GetProperty("level").GetString());
        Assert.Equal("engine", root.GetProperty("source").GetString());
        Assert.Equal("instance.exited", root.GetProperty("event").GetString());
        Assert.Equal("bad", root.GetProperty("program").GetString());
        Assert.Equal(0, root.GetProperty("instance").GetInt64());
        Assert.Equal(1, root.GetProperty("try").GetInt32());
        Assert.Equal(3, root.GetProperty("exitCode").GetInt32());
        Assert.Equal(11, root.GetProperty("delayMs").GetInt64());
        Assert.StartsWith("bad.0 exited with code 3", root.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_line_of_a_generated_log_method_has_its_template_values_as_camel_case_fields_without_the_template()
    {
        var state = new List<KeyValuePair<string, object?>> { new("Program", "web"), new("TimeoutMs", 10_000L), new("{OriginalFormat}", "{Program} ... {TimeoutMs}") };
        var writer = new StringWriter();
        new JsonLogFormatter(Time).Write(
            new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Information, "KrustPm.Host.Hosting.EngineEventLog", new EventId(148420210, "LogKilled"), state, null, (_, _) => "web ... 10000"),
            null,
            writer);

        using var json = JsonDocument.Parse(writer.ToString());
        var root = json.RootElement;
        Assert.Equal("INFO", root.GetProperty("level").GetString());
        Assert.Equal("web", root.GetProperty("program").GetString());
        Assert.Equal(10_000, root.GetProperty("timeoutMs").GetInt64());
        Assert.False(root.TryGetProperty("{OriginalFormat}", out _));
        Assert.False(root.TryGetProperty("event", out _)); // a method's name is no event of the API's vocabulary
    }

    private static string Text(bool toJournal, LogLevel level, string category, string message)
    {
        var writer = new StringWriter();
        new TextLogFormatter(Time, toJournal).Write(
            new LogEntry<string>(level, category, new EventId(1054644424), message, null, (m, _) => m), null, writer);
        return writer.ToString();
    }

    /// <summary>22:42:00.646 UTC, in a zone one hour ahead.</summary>
    private sealed class FixedTime : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone { get; } =
            TimeZoneInfo.CreateCustomTimeZone("plus-one", TimeSpan.FromHours(1), "plus-one", "plus-one");

        public override DateTimeOffset GetUtcNow() => new(2026, 12, 4, 22, 42, 0, 646, TimeSpan.Zero);
    }
}
