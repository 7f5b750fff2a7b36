using System.Net;
using KrustPm.Engine;
using KrustPm.Host.Api;
using KrustPm.Host.Events;
using Microsoft.Extensions.DependencyInjection;

namespace KrustPm.Host.Tests.Api;

/// <summary><c>GET /api/v1/events</c>: the engine's events as Server-Sent Events, with their ids, and resume.</summary>
public sealed class EventsEndpointTests : ApiTestBase
{
    private const string TwoPrograms = """
        [web]
        command = "./web"
        instances = 2
        max_instances = 1000

        [worker]
        command = "./worker"
        """;

    private EventFeed Feed => Host.Services.GetRequiredService<EventFeed>();

    /// <summary>
    /// The id of the newest event once the feed has caught up with the engine. The feed numbers a batch's events
    /// just after the batch's state is published, so a test that saw a state may be ahead of the feed; a command's
    /// answer comes after its batch's events, and a scale of no program makes no event of its own.
    /// </summary>
    private async Task<long> SettledLastIdAsync()
    {
        Assert.False((await Host.Engine.ScaleAsync("no-such-program", 0, Token)).Accepted);
        return Feed.LastId;
    }

    [Fact]
    public async Task Since_zero_replays_the_loads_and_every_launch_and_start_with_the_engines_growing_event_ids()
    {
        await StartAsync(TwoPrograms);

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");
        var events = await stream.TakeUntilAsync(await SettledLastIdAsync());

        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.Second.NumericId > pair.First.NumericId), "ids must grow");
        Assert.True(events[^1].NumericId <= Host.Engine.State.LastEventId, "the ids are the engine's event ids");
        Assert.Equal(
            ["program.loaded web", "instance.launched web.0 Started", "instance.launched web.1 Started", "program.loaded worker", "instance.launched worker.0 Started"],
            events.Take(5).Select(Summary));
        Assert.Equal((2L, 1L), (events[0].Number("instances"), events[3].Number("instances")));
        Assert.Equal(
            ["instance.started web.0 Running", "instance.started web.1 Running", "instance.started worker.0 Running"],
            events.Skip(5).Select(Summary).Order());
        Assert.All(events.Skip(5), e => Assert.True(e.Number("pid") > 0));
    }

    [Fact]
    public async Task A_command_produces_a_command_event_then_the_status_changes_it_causes()
    {
        await StartAsync(TwoPrograms);
        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events", lastEventId: $"{await SettledLastIdAsync()}");

        await PostJsonAsync("/api/v1/programs/worker/stop");
        var events = await stream.TakeAsync(3);

        Assert.Equal(("command", "stop", "worker"), (events[0].Type, events[0].Text("command"), events[0].Text("program")));
        Assert.Equal("instance.stopping worker.0 Stopping", Summary(events[1]));
        Assert.Equal(("SIGTERM", "stop command"), (events[1].Text("signal"), events[1].Text("reason")));
        Assert.Equal("instance.exited worker.0 Stopped", Summary(events[2]));
        Assert.Equal((128 + Signals.Terminate, "stopped"), (events[2].Number("exitCode"), events[2].Text("outcome")));
    }

    [Theory]
    [InlineData("restart?rolling=true", "restart (rolling)")]
    [InlineData("instances/1/restart", "restart")]
    public async Task A_restart_is_named_in_its_command_event(string route, string command)
    {
        await StartAsync(TwoPrograms);
        await using var stream = await EventReader.OpenAsync(Client, $"/api/v1/events?since={await SettledLastIdAsync()}");

        await PostJsonAsync($"/api/v1/programs/web/{route}");

        var first = await stream.NextAsync();
        Assert.Equal(("command", command), (first.Type, first.Text("command")));
    }

    [Fact]
    public async Task Delete_and_scale_produce_removed_and_scaled_events()
    {
        await StartAsync(TwoPrograms);
        await using var stream = await EventReader.OpenAsync(Client, $"/api/v1/events?since={await SettledLastIdAsync()}");

        using (var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/programs/web/instances/0"))
        {
            deleted.EnsureSuccessStatusCode();
        }

        await PostJsonAsync("/api/v1/programs/web/scale", """{"instances": 2}""");
        var events = await stream.TakeAsync(6);

        Assert.Equal(
            ["command delete web.0", "instance.stopping web.0 Stopping", "instance.removed web.0",
             "instance.exited web.0 ", "program.scaled web 2", "instance.launched web.2 Started"],
            events.Select(Summary));
        Assert.Equal("removed", events[3].Text("outcome"));
    }

    [Fact]
    public async Task Last_Event_ID_resumes_with_exactly_the_events_after_it()
    {
        await StartAsync(TwoPrograms);
        await PostJsonAsync("/api/v1/programs/web/restart");
        await WaitForAsync(AllRunning);
        var last = await SettledLastIdAsync();
        await using var full = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");
        var all = await full.TakeUntilAsync(last);

        foreach (var index in new[] { 0, 4, all.Count - 2 })
        {
            var after = all[index].NumericId;
            await using var resumed = await EventReader.OpenAsync(Client, "/api/v1/events", lastEventId: $"{after}");
            var rest = await resumed.TakeUntilAsync(last);

            Assert.Equal(all.Skip(index + 1).Select(e => e.ToString()), rest.Select(e => e.ToString()));
        }
    }

    [Fact]
    public async Task Last_Event_ID_wins_over_since()
    {
        await StartAsync(TwoPrograms);

        await using var full = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");
        var (first, second) = (await full.NextAsync(), await full.NextAsync());

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events?since=0", lastEventId: $"{first.NumericId}");

        Assert.Equal(second.NumericId, (await stream.NextAsync()).NumericId);
    }

    [Fact]
    public async Task A_resumed_stream_continues_live_without_a_gap_or_a_duplicate()
    {
        await StartAsync(TwoPrograms);
        var last = await SettledLastIdAsync();
        await using var history = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");
        var past = await history.TakeUntilAsync(last);
        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events", lastEventId: $"{past[^3].NumericId}");

        await PostJsonAsync("/api/v1/programs/worker/restart");
        var events = await stream.TakeAsync(6);
        var live = await history.TakeAsync(4);

        Assert.Equal(past.TakeLast(2).Concat(live).Select(e => e.NumericId), events.Select(e => e.NumericId));
    }

    [Fact]
    public async Task Without_since_only_new_events_come()
    {
        await StartAsync(TwoPrograms);
        var last = await SettledLastIdAsync();

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events");
        await PostJsonAsync("/api/v1/programs/worker/stop");

        var first = await stream.NextAsync();
        Assert.Equal("command", first.Type);
        Assert.True(first.NumericId > last, $"event {first.NumericId} is not newer than {last}");
    }

    [Fact]
    public async Task A_stream_with_nothing_to_send_yet_answers_with_its_headers_at_once()
    {
        await StartAsync(TwoPrograms);

        // Nothing happens on this krust-pm: the headers must still come (OpenAsync waits for them at most 10 s).
        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events");
    }

    [Theory]
    [InlineData("/api/v1/events")]
    [InlineData("/api/v1/programs/worker/logs?follow=true")]
    public async Task A_stream_tells_proxies_not_to_buffer_it_and_starts_with_the_clients_retry_interval(string url)
    {
        await StartAsync(TwoPrograms);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);

        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync(Token));
        var first = await body.ReadLineAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal(["no"], response.Headers.GetValues("X-Accel-Buffering"));
        Assert.Equal("retry: 3000", first);
    }

    [Fact]
    public async Task A_signal_produces_a_command_event_naming_the_signal_though_it_changes_no_status()
    {
        await StartAsync(TwoPrograms);
        Host.Launcher.SignalsEndRuns = false;
        await SettledLastIdAsync();
        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events");

        await PostJsonAsync("/api/v1/programs/web/signal", """{"signal": "SIGHUP", "instance": 1}""");

        Assert.Equal("command signal HUP web.1", Summary(await stream.NextAsync()));
    }

    [Fact]
    public async Task A_refused_command_produces_no_command_event()
    {
        await StartAsync(TwoPrograms);
        await PostJsonAsync("/api/v1/programs/web/instances/1/stop");
        Host.Launcher.SignalsEndRuns = false;
        await SettledLastIdAsync();
        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events");

        await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/signal", """{"signal": "HUP", "instance": 1}""", HttpStatusCode.Conflict, null);
        await PostJsonAsync("/api/v1/programs/web/signal", """{"signal": "USR1", "instance": 0}""");

        Assert.Equal("command signal USR1 web.0", Summary(await stream.NextAsync()));
    }

    [Fact]
    public async Task A_scale_that_changes_nothing_produces_no_scaled_event()
    {
        await StartAsync(TwoPrograms);
        await SettledLastIdAsync();
        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events");

        await GetJsonAsync("/ps?name=web&to=2"); // web already has 2
        await PostJsonAsync("/api/v1/programs/web/signal", """{"signal": "USR1", "instance": 0}""");

        Assert.Equal("command signal USR1 web.0", Summary(await stream.NextAsync()));
    }

    [Fact]
    public async Task A_since_older_than_the_history_is_served_from_the_journal_without_a_gap()
    {
        await StartAsync(TwoPrograms);
        for (var round = 0; round < 3; round++)
        {
            Assert.True((await Host.Engine.ScaleAsync("web", 1000, Token)).Accepted);
            Assert.True((await Host.Engine.ScaleAsync("web", 0, Token)).Accepted);
        }

        var last = await SettledLastIdAsync();
        Assert.True(last > EventFeed.HistorySize + 1000, $"only {last} events");

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");
        var all = await stream.TakeUntilAsync(last);

        Assert.Equal(("program.loaded", "web"), (all[0].Type, all[0].Text("program")));
        Assert.DoesNotContain(all, e => e.Type == "gap");
        Assert.True(all.Zip(all.Skip(1)).All(pair => pair.Second.NumericId > pair.First.NumericId), "ids must grow");
        Assert.True(all.Count > EventFeed.HistorySize, $"{all.Count} events");
    }

    [Fact]
    public async Task Without_a_journal_a_since_older_than_the_history_starts_with_a_gap_event_saying_how_many_were_missed()
    {
        await StartAsync("journal = false\n" + TwoPrograms);
        for (var round = 0; round < 3; round++)
        {
            // Each instance scaled up and down makes 5 entries (launched, started, stopping, removed, exited).
            Assert.True((await Host.Engine.ScaleAsync("web", 1000, Token)).Accepted);
            Assert.True((await Host.Engine.ScaleAsync("web", 0, Token)).Accepted);
        }

        var last = await SettledLastIdAsync();
        Assert.True(last > EventFeed.HistorySize + 1000, $"only {last} events");

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");
        var gap = await stream.NextAsync();
        var first = await stream.NextAsync();

        // Ids have gaps (bookkeeping events have no entry): the gap counts this run's ids before the oldest one kept.
        // Without a journal a run numbers its events from its start time, so no id of an earlier run comes again.
        var runStart = Host.Services.GetRequiredService<KrustPm.Host.Hosting.JournalSetup>().Start.LastEventId;
        Assert.InRange(runStart, KrustPm.Host.Hosting.JournalSetup.EpochId(DateTimeOffset.UtcNow.AddMinutes(-5)), KrustPm.Host.Hosting.JournalSetup.EpochId(DateTimeOffset.UtcNow));
        Assert.Equal(("gap", null), (gap.Type, gap.Id));
        Assert.True(first.NumericId > runStart + 1000, $"the oldest event kept is {first.NumericId - runStart} of this run");
        Assert.Equal(first.NumericId - 1 - runStart, gap.Number("missed"));
        var rest = await stream.TakeUntilAsync(last);
        Assert.Equal(EventFeed.HistorySize - 1, rest.Count);
        await using var recent = await EventReader.OpenAsync(Client, "/api/v1/events", lastEventId: $"{rest[^4].NumericId}");
        var latest = await recent.TakeAsync(3);
        Assert.Equal(rest.TakeLast(3).Select(e => e.NumericId), latest.Select(e => e.NumericId));
    }

    [Fact]
    public async Task A_Last_Event_ID_newer_than_krust_pms_newest_gets_a_reset_then_the_live_events()
    {
        await StartAsync(TwoPrograms);
        var last = await SettledLastIdAsync();

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events", lastEventId: $"{last + 1000}");
        var reset = await stream.NextAsync();
        await PostJsonAsync("/api/v1/programs/worker/stop");
        var live = await stream.NextAsync();

        Assert.Equal(("reset", null), (reset.Type, reset.Id));
        Assert.Matches(
            $"^event {last + 1000} is newer than krust-pm's newest, [0-9]+: it is from another krust-pm, or one whose journal was removed; read the state again \\(GET /api/v1/programs\\)$",
            reset.Text("reason"));
        Assert.Equal(("command", "stop"), (live.Type, live.Text("command")));
        Assert.True(live.NumericId > last);
    }

    [Fact]
    public async Task Without_a_journal_a_Last_Event_ID_of_an_earlier_run_gets_a_reset_then_this_runs_events()
    {
        await StartAsync("journal = false\n" + TwoPrograms);
        var runStart = Host.Services.GetRequiredService<KrustPm.Host.Hosting.JournalSetup>().Start.LastEventId;

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events", lastEventId: $"{runStart - 5}");
        var reset = await stream.NextAsync();
        var first = await stream.NextAsync();

        Assert.Equal(("reset", null), (reset.Type, reset.Id));
        Assert.StartsWith($"event {runStart - 5} is from an earlier run of krust-pm, which kept no journal", reset.Text("reason"), StringComparison.Ordinal);
        Assert.Equal(("program.loaded", "web"), (first.Type, first.Text("program")));
        Assert.True(first.NumericId > runStart);
    }

    [Fact]
    public async Task An_idle_stream_gets_a_heartbeat_comment_that_an_sse_parser_skips()
    {
        await StartAsync(TwoPrograms, configureServices: services => services.AddSingleton(new StreamHeartbeat(TimeSpan.FromMilliseconds(150))));
        var last = await SettledLastIdAsync();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(TimeSpan.FromSeconds(20)); // a stream without heartbeats fails the test instead of hanging it

        using var response = await Client.GetAsync($"/api/v1/events?since={last}", HttpCompletionOption.ResponseHeadersRead, bound.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(bound.Token));
        var lines = new List<string>();
        while (lines.Count(line => line == ": heartbeat") < 2 && await reader.ReadLineAsync(bound.Token) is { } line)
        {
            lines.Add(line);
        }

        Assert.Equal(["retry: 3000", "", ": heartbeat", "", ": heartbeat"], lines);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public async Task A_bad_Last_Event_ID_or_since_is_a_400_naming_it(string value)
    {
        await StartAsync(TwoPrograms);

        await GetProblemAsync($"/api/v1/events?since={value}", HttpStatusCode.BadRequest, "since");
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/events", null, ("Last-Event-ID", value));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Last-Event-ID");
    }

    private static string Summary(ReceivedEvent e) => e.Type switch
    {
        "command" => $"command {e.Text("command")} {e.Text("program")}.{e.Number("instance")}",
        "program.scaled" => $"program.scaled {e.Text("program")} {e.Number("instances")}",
        "program.loaded" => $"program.loaded {e.Text("program")}",
        "instance.removed" => $"instance.removed {e.Text("program")}.{e.Number("instance")}",
        _ => $"{e.Type} {e.Text("program")}.{e.Number("instance")} {e.Text("status")}",
    };
}
