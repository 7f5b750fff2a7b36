using System.Diagnostics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>HEAD</c> is answered on every <c>GET</c> route (RFC 9110 §9.3.2): the GET's status and headers, no body; a
/// stream's <c>HEAD</c> ends after its headers. Checked with curl against a real Kestrel, which is what sends no body.
/// </summary>
public sealed class HeadRequestTests : ApiTestBase
{
    private const string Web = """
        server-port = "127.0.0.1:{port}"
        [web]
        command = "./web"
        """;

    [Fact]
    public async Task Every_route_that_answers_GET_answers_HEAD()
    {
        await StartAsync();

        var gets = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .ToList();

        Assert.NotEmpty(gets);
        Assert.All(gets, e => Assert.Contains("HEAD", e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods));
    }

    [Theory]
    [InlineData("/", "application/json")]
    [InlineData("/ps?name=web&to=2", "application/json")]
    [InlineData("/healthz", "application/json")]
    [InlineData("/api/v1/programs", "application/json")]
    [InlineData("/api/v1/programs/web", "application/json")]
    [InlineData("/openapi/v1.json", "application/json")]
    [InlineData("/ui/", "text/html")]
    [InlineData("/api/v1/events", "text/event-stream")]
    [InlineData("/api/v1/programs/web/logs?follow=true", "text/event-stream")]
    public async Task A_HEAD_gets_the_GET_status_and_content_type_and_no_body_and_a_stream_ends_after_its_headers(string path, string type)
    {
        await StartAsync(Web, kestrel: true);

        var (exit, output) = await CurlAsync("--head", $"http://127.0.0.1:{Host.Port}{path}");

        Assert.True(exit == 0, $"curl --head {path} exited {exit}: {output}");
        var lines = output.Split("\r\n");
        Assert.Equal("HTTP/1.1 200 OK", lines[0]);
        Assert.True(lines.Any(l => l.StartsWith("Content-Type: " + type, StringComparison.OrdinalIgnoreCase)), output);
    }

    [Fact]
    public async Task A_HEAD_leaves_the_connection_usable_for_the_next_request()
    {
        await StartAsync(Web, kestrel: true);
        var url = $"http://127.0.0.1:{Host.Port}/api/v1/programs/web";

        // The HEAD, then a GET on the same connection: a body sent after the HEAD would be read as the GET's answer.
        var (exit, output) = await CurlAsync("--head", url, "--next", "--include", url);

        Assert.True(exit == 0, $"curl exited {exit}: {output}");
        Assert.Equal(2, output.Split("HTTP/1.1 200 OK").Length - 1);
        Assert.EndsWith("}", output.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("\"name\":\"web\"", output.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> CurlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--silent", "--show-error", "--max-time", "20", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var curl = Process.Start(start)!;
        var output = curl.StandardOutput.ReadToEndAsync(Token);
        var error = curl.StandardError.ReadToEndAsync(Token);
        await curl.WaitForExitAsync(Token);
        return (curl.ExitCode, await output + await error);
    }
}
