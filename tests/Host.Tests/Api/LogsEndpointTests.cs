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

    private string LogDirectory => Path.Combine(Path.GetDirectoryName(Host.ConfigPath)!, "logs");
}
