using System.Net;
using System.Text.Json;
using KrustPm.Engine.Logs;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>GET /api/v1/logs?target=...</c>: the lines of several instances (a program's, a group's, every program's) over
/// log files written by hand (the scripted launcher runs no real process).
/// </summary>
public sealed class TargetLogsEndpointTests : ApiTestBase
{
    private const string WebAndWorker = """
        [web]
        command = "./web"
        instances = 2

        [worker]
        command = "./worker"
        """;

    private const string FrontGroup = """
        [web]
        command = "./web"
        instances = 2
        groups = ["front"]

        [worker]
        command = "./worker"
        """;

    private const string Timed = """
        [web]
        command = "./web"
        instances = 2
        log_timestamps = true
        """;

    [Fact]
    public async Task Without_a_target_every_instance_of_every_program_is_read_each_line_with_its_instance()
    {
        await StartAsync(WebAndWorker);
        await WriteAsync("web", 0, "w0 a\nw0 b\n");
        await WriteAsync("web", 1, "w1 a\n");
        await WriteAsync("worker", 0, "k0 a\n");

        var logs = await GetJsonAsync("/api/v1/logs?tail=1");

        Assert.Equal(["web.0", "web.1", "worker.0"], logs.GetProperty("instances").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(
            """[{"program":"web","instance":0,"line":"w0 b"},{"program":"web","instance":1,"line":"w1 a"},{"program":"worker","instance":0,"line":"k0 a"}]""",
            JsonSerializer.Serialize(logs.GetProperty("lines")));
    }

    [Fact]
    public async Task A_group_reads_only_its_programs()
    {
        await StartAsync(FrontGroup);
        await WriteAsync("web", 0, "w0\n");
        await WriteAsync("worker", 0, "k0\n");

        var logs = await GetJsonAsync("/api/v1/logs?target=@front");

        Assert.Equal(["web.0", "web.1"], logs.GetProperty("instances").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(["w0"], logs.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("line").GetString()));
    }

    [Fact]
    public async Task Timestamped_lines_are_interleaved_in_time_order_and_since_keeps_the_later_ones()
    {
        await StartAsync(Timed);
        await WriteAsync("web", 0, "2026-12-04T10:00:00.000Z first\n2026-12-04T10:00:02.000Z third\n");
        await WriteAsync("web", 1, "2026-12-04T10:00:01.000Z second\n2026-12-04T10:00:03.000Z fourth\n");

        var all = await GetJsonAsync("/api/v1/logs?target=web");
        var later = await GetJsonAsync("/api/v1/logs?target=web&since=2026-12-04T10:00:01.500Z");

        Assert.Equal(["first", "second", "third", "fourth"], Words(all));
        Assert.Equal(["third", "fourth"], Words(later));
    }

    [Theory]
    [InlineData("/api/v1/logs?target=@nope", HttpStatusCode.NotFound, "group")]
    [InlineData("/api/v1/logs?target=nope", HttpStatusCode.NotFound, "name")]
    [InlineData("/api/v1/logs?target=web:7", HttpStatusCode.NotFound, "instance")]
    [InlineData("/api/v1/logs?since=yesterday", HttpStatusCode.BadRequest, "since")]
    [InlineData("/api/v1/logs?since=2026-12-04T10:00:00Z", HttpStatusCode.BadRequest, "since")]
    [InlineData("/api/v1/logs?stream=stdin", HttpStatusCode.BadRequest, "stream")]
    [InlineData("/api/v1/logs?target=web&target=worker", HttpStatusCode.BadRequest, "target")]
    public async Task Bad_requests_are_problems_naming_the_parameter(string url, HttpStatusCode status, string parameter)
    {
        await StartAsync(WebAndWorker);

        await GetProblemAsync(url, status, parameter);
    }

    [Fact]
    public async Task Follow_starts_with_the_instances_then_their_last_lines()
    {
        await StartAsync(WebAndWorker);
        await WriteAsync("web", 0, "w0\n");
        await WriteAsync("web", 1, "w1\n");

        using var response = await Client.GetAsync("/api/v1/logs?target=web&follow=true&tail=5", HttpCompletionOption.ResponseHeadersRead, Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Token));
        var data = new List<string>();
        while (data.Count < 3 && await reader.ReadLineAsync(Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line["data: ".Length..]);
            }
        }

        Assert.Equal(
            ["""["web.0","web.1"]""", """{"program":"web","instance":0,"line":"w0"}""", """{"program":"web","instance":1,"line":"w1"}"""],
            data);
    }

    private static IEnumerable<string> Words(JsonElement logs) =>
        logs.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("line").GetString()!.Split(' ')[1]);

    private Task WriteAsync(string program, long instance, string text) =>
        File.WriteAllTextAsync(LogFileNames.Current(Path.Combine(Path.GetDirectoryName(Host.ConfigPath)!, "logs"), program, instance, OutputKind.Stdout), text, Token);
}
