using System.Text.Json;
using System.Text.RegularExpressions;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// krust-pm's own log as a real krust-pm writes it on stderr, read as its readers would: a person (text), a log
/// shipper (one JSON object per line), journald (<c>&lt;N&gt;</c> priorities when stderr is the stream
/// <c>JOURNAL_STREAM</c> names).
/// </summary>
public sealed partial class OwnLogEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const string Programs = """
        [good]
        command = "sleep 300"

        [bad]
        command = "sh -c 'exit 3'"
        max_retries = 1
        restart_delay_ms = 10

        [nope]
        command = "/nonexistent/krust-pm-test"
        max_retries = 1
        restart_delay_ms = 10
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-ownlog-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Text_lines_have_date_time_offset_level_source_and_message_and_no_web_host_boilerplate()
    {
        var stderr = await RunUntilBothGaveUpAsync();
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.All(lines, line => Assert.Matches(TextLine(), line));
        Assert.DoesNotContain(lines, line => line.Contains("Microsoft.", StringComparison.Ordinal) || line.Contains("KrustPm.", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Application started", StringComparison.Ordinal) || line.Contains("Content root", StringComparison.Ordinal));
        Assert.Single(lines, line => line.Contains("INFO  dashboard-link: listening on http://127.0.0.1:", StringComparison.Ordinal)
            && line.Contains("/api/v1/programs, dashboard: http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("WARN  engine: bad.0 exited with code 3; restart in ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("ERROR engine: bad.0 exited with code 3; retries exceeded", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("ERROR engine: nope.0 could not start: ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("INFO  engine: good.0 started, pid ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_lines_carry_program_instance_pid_exit_code_signal_delay_and_try_as_values()
    {
        var stderr = await RunUntilBothGaveUpAsync("--log-format", "json");
        var objects = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();

        Assert.All(objects, o => Assert.Matches("^(INFO|WARN|ERROR|FATAL)$", o.GetProperty("level").GetString()));
        Assert.All(objects, o => Assert.False(o.TryGetProperty("EventId", out _) || o.TryGetProperty("Category", out _)));
        var started = objects.First(o => Event(o) == "instance.started" && o.GetProperty("program").GetString() == "good");
        Assert.True(started.GetProperty("pid").GetInt32() > 1);
        Assert.Equal(0, started.GetProperty("instance").GetInt64());
        Assert.Equal(1, started.GetProperty("try").GetInt32());

        var retried = objects.First(o => Event(o) == "instance.exited" && o.GetProperty("program").GetString() == "bad");
        Assert.Equal("WARN", retried.GetProperty("level").GetString());
        Assert.Equal(3, retried.GetProperty("exitCode").GetInt32());
        Assert.Equal(1, retried.GetProperty("try").GetInt32());
        Assert.True(retried.GetProperty("delayMs").GetInt64() >= 0);
        var gaveUp = objects.Last(o => Event(o) == "instance.exited" && o.GetProperty("program").GetString() == "bad");
        Assert.Equal(("ERROR", "retries-exceeded", 2), (gaveUp.GetProperty("level").GetString(), gaveUp.GetProperty("outcome").GetString(), gaveUp.GetProperty("try").GetInt32()));
        var couldNot = objects.First(o => Event(o) == "instance.exited" && o.GetProperty("program").GetString() == "nope");
        Assert.Equal("ERROR", couldNot.GetProperty("level").GetString());
        Assert.Contains("/nonexistent/krust-pm-test", couldNot.GetProperty("error").GetString(), StringComparison.Ordinal);

        var stopped = objects.First(o => Event(o) == "instance.exited" && o.GetProperty("program").GetString() == "good");
        Assert.Equal(("INFO", "SIGTERM", 143), (stopped.GetProperty("level").GetString(), stopped.GetProperty("signal").GetString(), stopped.GetProperty("exitCode").GetInt32()));
        Assert.Contains(objects, o => Event(o) == "krust-pm.listening");
    }

    [Fact]
    public async Task When_stderr_is_the_stream_JOURNAL_STREAM_names_each_line_starts_with_its_journald_priority()
    {
        // What systemd does for a service: JOURNAL_STREAM names the device and inode of the service's stderr (here a
        // pipe to the test instead of journald's socket; krust-pm compares the inode).
        var stderr = await RunUnderUntilBothGaveUpAsync(["/bin/sh", "-c", "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$@\"", "sh"]);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.All(lines, line => Assert.Matches("^<[2-7]>[a-z-]+: ", line));
        Assert.Contains(lines, line => line.StartsWith("<4>engine: bad.0 exited with code 3; restart in ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("<3>engine: bad.0 exited with code 3; retries exceeded", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("<6>engine: good.0 started, pid ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_JOURNAL_STREAM_that_is_not_stderr_changes_nothing()
    {
        var stderr = await RunUnderUntilBothGaveUpAsync(["/usr/bin/env", "JOURNAL_STREAM=8:1"]);

        Assert.All(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(TextLine(), line));
    }

    private Task<string> RunUntilBothGaveUpAsync(params string[] args) => RunUnderUntilBothGaveUpAsync([], args);

    /// <summary>Runs krust-pm until bad and nope are RetriesExceeded, stops it with SIGTERM, and returns its stderr.</summary>
    private async Task<string> RunUnderUntilBothGaveUpAsync(string[] launcher, params string[] args)
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, "server-port = \"127.0.0.1:{port}\"\njournal = false\n" + Programs, Token);
        await using var krust = KrustPmProcess.StartUnder(launcher, krustPm.Executable, config, new Dictionary<string, string?>(), args);
        await krust.WaitForAsync(p => p.EnumerateArray().All(program => program.GetProperty("name").GetString() == "good"
            ? program.GetProperty("instances")[0].GetProperty("status").GetString() == "Running"
            : program.GetProperty("instances")[0].GetProperty("status").GetString() == "RetriesExceeded"));

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
        return krust.Stderr;
    }

    private static string? Event(JsonElement o) => o.TryGetProperty("event", out var e) ? e.GetString() : null;

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d (INFO |WARN |ERROR|FATAL) [a-z-]+: \S")]
    private static partial Regex TextLine();
}
