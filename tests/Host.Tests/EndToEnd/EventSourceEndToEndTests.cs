using System.Diagnostics;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>GET /api/v1/events</c> followed by a real EventSource client (npm <c>eventsource</c>, the WHATWG EventSource for
/// Node, installed by .ci/run into tests/tools/eventsource) across a restart of krust-pm: it gets the shutdown's events,
/// reconnects by itself with <c>Last-Event-ID</c>, and then gets the new run's events (with a journal) or a
/// <c>reset</c> (without one), never silence and never an id twice.
/// </summary>
public sealed class EventSourceEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly string Tools = Path.Combine(PublishedKrustPm.RepositoryRoot, "tests", "tools", "eventsource");

    private static readonly string[] Types =
    [
        "program.loaded", "program.restored", "command", "instance.launched", "instance.started", "instance.stopping",
        "instance.exited", "krust-pm.stopping", "krust-pm.restored", "reset", "gap",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-eventsource-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task With_a_journal_it_gets_the_shutdown_then_resumes_after_its_last_id_in_the_next_run()
    {
        var (before, after) = await FollowAcrossARestartAsync(journal: true);

        Assert.Equal(["krust-pm.stopping", "instance.stopping", "instance.exited"], before.SkipWhile(e => e.Type != "krust-pm.stopping").Select(e => e.Type));
        Assert.Equal("krust-pm is stopping", before.Last(e => e.Type == "instance.stopping").Data.GetProperty("reason").GetString());
        Assert.DoesNotContain(after, e => e.Type is "reset" or "gap");
        Assert.Contains(after, e => e.Type == "krust-pm.restored");
        var ids = before.Concat(after).Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ids.Zip(ids.Skip(1)).All(pair => pair.Second > pair.First), $"ids grow across the restart: {string.Join(' ', ids)}");
    }

    [Fact]
    public async Task Without_a_journal_ids_still_grow_and_the_old_last_event_id_gets_a_reset_first()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var (before, after) = await FollowAcrossARestartAsync(journal: false);

        Assert.True(long.Parse(before[0].Id, System.Globalization.CultureInfo.InvariantCulture) > startedAt.ToUnixTimeMilliseconds() * 1000, "a run without a journal numbers from its start time");
        Assert.Equal("reset", after[0].Type);
        Assert.Contains("earlier run of krust-pm", after[0].Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var lastBefore = long.Parse(before[^1].Id, System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(after.Skip(1), e => Assert.True(long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture) > lastBefore, $"{e.Type} {e.Id} comes after {lastBefore}"));
        Assert.Contains(after, e => e.Type == "program.loaded");
    }

    [Fact]
    public async Task A_log_follow_resumes_after_its_last_line_in_the_next_run_with_every_line_of_the_file_once()
    {
        Assert.True(Directory.Exists(Path.Combine(Tools, "node_modules", "eventsource")), "eventsource is missing: .ci/run installs it (npm ci --prefix tests/tools/eventsource)");
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [ticker]
            command = "sh -c 'i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.02; done'"
            """, Token);
        var log = Path.Combine(_folder, "logs", "ticker.0.stdout.log");
        var first = KrustPmProcess.Start(krustPm.Executable, config);
        await first.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        using var client = new EventSourceClient($"http://127.0.0.1:{first.Port}/api/v1/programs/ticker/logs?follow=true&tail=0", ["line", "gap"]);
        await client.WaitForAsync(lines => lines.Count(l => l.Type == "line") >= 10, "ten lines followed");
        Assert.Equal(0, await first.TerminateAsync());
        await first.DisposeAsync();
        await client.WaitForAsync(lines => lines.Any(l => l.Kind == "error"), "EventSource saw the connection end");
        var before = client.Events().Count;

        // Lines written while no krust-pm runs: none. Lines written by the next run before the client is back: in the
        // file, and the client must get them from there, after its last id, not from a fresh tail.
        await using var second = KrustPmProcess.Restart(krustPm.Executable, config, first.Port);
        await second.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        await client.WaitForAsync(lines => lines.Count(l => l.Kind == "open") == 2 && lines.Any(l => l.Type == "line" && l.Data.GetString() == "tick 20" && lines.IndexOf(l) > before), "EventSource reconnected by itself and followed the next run to its 20th tick");
        Assert.Equal(0, await second.TerminateAsync());

        var received = client.Events();
        Assert.DoesNotContain(received, e => e.Type == "gap");
        var file = (await File.ReadAllLinesAsync(log, Token)).ToList();
        var first0 = file.IndexOf(received[0].Data.GetString()!);
        Assert.True(first0 >= 0, $"the first line followed, {received[0]}, is in the file");
        Assert.Equal(file.Skip(first0).Take(received.Count), received.Select(e => e.Data.GetString()));
        Assert.Contains(received.Skip(before), e => e.Data.GetString()!.StartsWith("--- krust-pm: ticker.0 try", StringComparison.Ordinal));
        Assert.All(received, e => Assert.Matches("^[0-9]+:[0-9]+:[0-9]+$", e.Id));
    }

    /// <summary>
    /// Runs krust-pm, follows its events with EventSource, restarts the program (events to see), stops krust-pm with
    /// SIGTERM, starts it again on the same port, and returns the events of each run.
    /// </summary>
    private async Task<(List<SourceEvent> Before, List<SourceEvent> After)> FollowAcrossARestartAsync(bool journal)
    {
        Assert.True(Directory.Exists(Path.Combine(Tools, "node_modules", "eventsource")), "eventsource is missing: .ci/run installs it (npm ci --prefix tests/tools/eventsource)");
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, $$"""
            server-port = "127.0.0.1:{port}"
            journal = {{(journal ? "true" : "false")}}
            [sleeper]
            command = "sleep 300"
            """, Token);
        var first = KrustPmProcess.Start(krustPm.Executable, config);
        await first.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");

        using var client = new EventSourceClient($"http://127.0.0.1:{first.Port}/api/v1/events", Types);
        await client.WaitForAsync(lines => lines.Any(l => l.Kind == "open"), "EventSource connected");
        Assert.Equal(0, (await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "restart", "sleeper")).ExitCode);
        await client.WaitForAsync(lines => lines.Any(l => l.Type == "instance.started"), "the restart's events came");

        Assert.Equal(0, await first.TerminateAsync());
        await first.DisposeAsync();
        await client.WaitForAsync(lines => lines.Any(l => l.Kind == "error"), "EventSource saw the connection end");
        var before = client.Events();

        await using var second = KrustPmProcess.Restart(krustPm.Executable, config, first.Port);
        await second.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        await client.WaitForAsync(lines => lines.Count(l => l.Kind == "open") == 2 && lines.Count(l => l.Type == "instance.started") > before.Count(e => e.Type == "instance.started"), "EventSource reconnected by itself and got the new run's start");
        var after = client.Events().Skip(before.Count).ToList();
        Assert.Equal(0, await second.TerminateAsync());
        return (before, after);
    }

    /// <summary>One line printed by follow.mjs.</summary>
    private sealed record SourceEvent(string Kind, string? Type, string Id, JsonElement Data)
    {
        public override string ToString() => $"{Kind} {Type} {Id} {(Data.ValueKind == JsonValueKind.Undefined ? string.Empty : Data.GetRawText())}";
    }

    /// <summary>node follow.mjs: the npm eventsource client, printing what it gets.</summary>
    private sealed class EventSourceClient : IDisposable
    {
        private readonly Process _node;
        private readonly List<SourceEvent> _lines = [];
        private readonly Task _reading;

        public EventSourceClient(string url, string[] types)
        {
            var info = new ProcessStartInfo("node") { WorkingDirectory = Tools, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "follow.mjs", url }.Concat(types))
            {
                info.ArgumentList.Add(arg);
            }

            _node = Process.Start(info)!;
            _reading = ReadAsync();
        }

        public List<SourceEvent> Events()
        {
            lock (_lines)
            {
                return [.. _lines.Where(l => l.Kind == "event")];
            }
        }

        public async Task WaitForAsync(Func<List<SourceEvent>, bool> condition, string what)
        {
            try
            {
                await Eventually.Assert(
                    () =>
                    {
                        lock (_lines)
                        {
                            return condition(_lines);
                        }
                    },
                    what);
            }
            catch (Xunit.Sdk.XunitException failure)
            {
                Assert.Fail($"{failure.Message}; EventSource printed:\n{string.Join('\n', Snapshot())}\n{(_node.HasExited ? await _node.StandardError.ReadToEndAsync() : string.Empty)}");
            }
        }

        public void Dispose()
        {
            if (!_node.HasExited)
            {
                _node.Kill();
                _node.WaitForExit();
            }

            _node.Dispose();
        }

        private List<SourceEvent> Snapshot()
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }

        private async Task ReadAsync()
        {
            while (await _node.StandardOutput.ReadLineAsync() is { } line)
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                var item = new SourceEvent(
                    root.GetProperty("kind").GetString()!,
                    root.TryGetProperty("type", out var type) ? type.GetString() : null,
                    root.TryGetProperty("id", out var id) ? id.GetString() ?? string.Empty : string.Empty,
                    root.TryGetProperty("data", out var data) ? data.Clone() : default);
                lock (_lines)
                {
                    _lines.Add(item);
                }
            }
        }
    }
}
