using System.Net;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Tests.Api;

/// <summary>The logs endpoint over log files written by hand (the scripted launcher runs no real process).</summary>
public sealed class LogsEndpointTests : ApiTestBase
{
    private const string Single = """
        [solo]
        command = "./solo"
        """;

    [Fact]
    public async Task Tail_returns_the_last_lines_across_rotated_files_as_JSON()
    {
        await StartAsync(Seed);
        var current = LogFileNames.Current(LogDirectory, "good_sleeper", 1, OutputKind.Stderr);
        await File.WriteAllTextAsync(current + ".1", "a\nb\nc\n", Token);
        await File.WriteAllTextAsync(current, "d\ne\n", Token);

        var logs = await GetJsonAsync("/api/v1/programs/good_sleeper/logs?instance=1&stream=stderr&tail=3");

        Assert.Equal("good_sleeper", logs.GetProperty("program").GetString());
        Assert.Equal(1, logs.GetProperty("instance").GetInt64());
        Assert.Equal("stderr", logs.GetProperty("stream").GetString());
        Assert.Equal(["c", "d", "e"], logs.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!));
    }

    [Fact]
    public async Task Instance_and_stream_may_be_left_out_for_a_program_with_one_instance()
    {
        await StartAsync(Single);
        await File.WriteAllTextAsync(LogFileNames.Current(LogDirectory, "solo", 0, OutputKind.Stdout), "hello\n", Token);

        var logs = await GetJsonAsync("/api/v1/programs/solo/logs");

        Assert.Equal(["hello"], logs.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!));
    }

    [Fact]
    public async Task An_instance_without_output_yet_has_no_lines()
    {
        await StartAsync(Single);

        var logs = await GetJsonAsync("/api/v1/programs/solo/logs?instance=0");

        Assert.Equal(0, logs.GetProperty("lines").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/v1/programs/nope/logs", HttpStatusCode.NotFound, "name")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=9", HttpStatusCode.NotFound, "instance")]
    [InlineData("/api/v1/programs/good_sleeper/logs", HttpStatusCode.BadRequest, "instance")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=-1", HttpStatusCode.BadRequest, "instance")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=x", HttpStatusCode.BadRequest, "instance")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=0&instance=1", HttpStatusCode.BadRequest, "instance")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=0&stream=stdin", HttpStatusCode.BadRequest, "stream")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=0&tail=-5", HttpStatusCode.BadRequest, "tail")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=0&tail=10001", HttpStatusCode.BadRequest, "tail")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=0&tail=many", HttpStatusCode.BadRequest, "tail")]
    [InlineData("/api/v1/programs/good_sleeper/logs?instance=0&follow=yes", HttpStatusCode.BadRequest, "follow")]
    public async Task Bad_requests_are_problems_naming_the_parameter(string url, HttpStatusCode status, string parameter)
    {
        await StartAsync(Seed);

        await GetProblemAsync(url, status, parameter);
    }

    [Fact]
    public async Task Logs_of_a_scaled_away_instance_stay_readable()
    {
        await StartAsync(Seed);
        await File.WriteAllTextAsync(LogFileNames.Current(LogDirectory, "good_sleeper", 0, OutputKind.Stdout), "bye\n", Token);
        await GetJsonAsync("/ps?name=good_sleeper&to=1");

        var logs = await GetJsonAsync("/api/v1/programs/good_sleeper/logs?instance=0");

        Assert.Equal(["bye"], logs.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!));
    }

    [Fact]
    public async Task Following_a_program_whose_output_is_off_is_a_conflict()
    {
        await StartAsync(Single + "\nlog = false\n");

        using var response = await Client.GetAsync("/api/v1/programs/solo/logs?follow=true", Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/programs/solo/logs")]
    [InlineData("/api/v1/programs/solo/logs?follow=true")]
    public async Task The_logs_of_a_program_whose_output_is_inherited_are_a_conflict_saying_so(string url)
    {
        await StartAsync(Single + "\nlog = \"inherit\"\n");

        var problem = await SendProblemAsync(HttpMethod.Get, url, null, HttpStatusCode.Conflict, null);

        Assert.Contains("log = \"inherit\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Following_a_group_of_programs_whose_output_is_inherited_is_a_conflict()
    {
        await StartAsync(Single + "\nlog = \"inherit\"\n");

        using var response = await Client.GetAsync("/api/v1/logs?target=all&follow=true", Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task A_follow_with_a_line_id_as_Last_Event_ID_continues_after_that_line_and_gives_each_line_its_id()
    {
        await StartAsync(Single);
        var log = LogFileNames.Current(LogDirectory, "solo", 0, OutputKind.Stdout);
        await File.WriteAllTextAsync(log, "one\ntwo\nthree\n", Token);
        var first = await FollowAsync(2, lastEventId: null);
        var afterOne = first[0].Id;

        var resumed = await FollowAsync(2, afterOne);

        Assert.Equal([("line", "one"), ("line", "two")], first.Select(e => (e.Type, e.Data)));
        Assert.EndsWith(":4", afterOne, StringComparison.Ordinal); // just after "one\n"
        Assert.Equal([("line", "two"), ("line", "three")], resumed.Select(e => (e.Type, e.Data)));
        Assert.EndsWith(":14", resumed[1].Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_id_the_files_no_longer_hold_gets_a_gap_then_the_tail_and_a_malformed_one_is_a_400()
    {
        await StartAsync(Single);
        await File.WriteAllTextAsync(LogFileNames.Current(LogDirectory, "solo", 0, OutputKind.Stdout), "one\ntwo\n", Token);

        var events = await FollowAsync(2, "1:2:3", tail: 1);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/programs/solo/logs?follow=true") { Headers = { { "Last-Event-ID", "17" } } };
        using var bad = await Client.SendAsync(request, Token);

        Assert.Equal("gap", events[0].Type);
        Assert.Contains("no longer has where this reader stopped (1:2:3)", events[0].Data, StringComparison.Ordinal);
        Assert.Equal(("line", "two"), (events[1].Type, events[1].Data));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Last-Event-ID", await bad.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    /// <summary>The first <paramref name="count"/> events of a follow of solo, sent with <c>Last-Event-ID</c> when given.</summary>
    private async Task<List<(string Type, string Data, string Id)>> FollowAsync(int count, string? lastEventId, int tail = 100)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/programs/solo/logs?follow=true&tail={tail}");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parser = System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(Token));
        var events = new List<(string Type, string Data, string Id)>();
        await foreach (var item in parser.EnumerateAsync(Token))
        {
            events.Add((item.EventType, item.Data, item.EventId ?? string.Empty));
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    private string LogDirectory => Path.Combine(Path.GetDirectoryName(Host.ConfigPath)!, "logs");
}
