using System.Text;
using KrustPm.Engine;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// Requests that Kestrel itself finds broken while krust-pm reads them (a body too large, bad chunked framing, a
/// body that trickles in) are the client's fault: a 4xx problem+json and one line in krust-pm's log, never a 500 with
/// a stack trace. Sent as raw bytes to a real Kestrel: the in-memory test server enforces none of these limits.
/// </summary>
public sealed class BadFramingTests : ApiTestBase
{
    private const string Web = """
        server-port = "127.0.0.1:{port}"
        [web]
        command = "./web"
        instances = 2
        max_instances = 5
        """;

    private const string Scale = "POST /api/v1/programs/web/scale HTTP/1.1";

    [Fact]
    public async Task A_body_larger_than_allowed_is_a_413_logged_in_one_line()
    {
        await StartAsync(Web, kestrel: true);

        var answer = await SendAsync(RawHttp.Request(Scale, [HostHeader, "Content-Type: application/json", "Content-Length: 40000000"], "{\"instances\": 3"));

        Assert.True(answer.Status == 413, answer.ToString());
        Assert.Contains("too large", answer.Problem().GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertLoggedOnceWithoutTrace("413");
    }

    [Theory]
    [InlineData("zz\r\n{}\r\n0\r\n\r\n")]
    [InlineData("5\r\n{\"instances\": 3}\r\n0\r\n\r\n")]
    [InlineData("-1\r\n")]
    public async Task A_malformed_chunked_body_is_a_400_logged_in_one_line(string chunks)
    {
        await StartAsync(Web, kestrel: true);

        var answer = await SendAsync(RawHttp.Request(Scale, [HostHeader, "Content-Type: application/json", "Transfer-Encoding: chunked"], chunks));

        Assert.True(answer.Status == 400, answer.ToString());
        answer.Problem();
        AssertLoggedOnceWithoutTrace("400");
    }

    [Fact]
    public async Task A_body_that_arrives_too_slowly_is_a_408_logged_in_one_line()
    {
        // Kestrel's own rule (240 bytes/s after a grace period) with a 2 s grace instead of 5, so the test is quick.
        await StartAsync(
            Web,
            kestrel: true,
            configureKestrel: kestrel => kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(2)));
        using var client = await RawHttp.ConnectAsync(Host.Port, Token);
        var stream = client.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(RawHttp.Request(Scale, [HostHeader, "Content-Type: application/json", "Content-Length: 1000"], "{")), Token);
        var answer = await RawHttp.ReadAnswerAsync(stream, Token);

        Assert.True(answer.Status == 408, answer.ToString());
        answer.Problem();
        AssertLoggedOnceWithoutTrace("408");
    }

    [Fact]
    public async Task A_program_name_too_long_for_a_log_file_name_cannot_be_loaded_and_its_logs_are_a_404()
    {
        // The engine refuses the name (the configuration reader reports it at its line: ConfigLoaderSafetyTests), so
        // no program can have log files whose name the file system cannot hold; asking for one is the client's mistake.
        await StartAsync(Web, kestrel: true);
        var name = new string('n', 300);
        var spec = Host.Engine.State.Programs[0].Spec with { Name = name, Instances = 1 };
        var load = await Host.Engine.LoadAsync([spec], Token);
        Assert.False(load.Accepted);
        Assert.Contains("1 to 64 characters", load.Reason, StringComparison.Ordinal);

        foreach (var query in new[] { "", "?follow=true", "?instance=0&stream=stderr&tail=5" })
        {
            var answer = await SendAsync(RawHttp.Request($"GET /api/v1/programs/{name}/logs{query} HTTP/1.1", [HostHeader]));

            Assert.True(answer.Status == 404, answer.ToString());
            Assert.Contains("There is no program named", answer.Problem().GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Host.Log.Entries, e => e.Level >= LogLevel.Error || e.Exception is not null);
    }

    private string HostHeader => $"Host: 127.0.0.1:{Host.Port}";

    private Task<RawHttp.Answer> SendAsync(string request) => RawHttp.SendAsync(Host.Port, request, Token);

    /// <summary>The refusal is one line naming the request and its status; no exception, no stack trace, nothing at Error.</summary>
    private void AssertLoggedOnceWithoutTrace(string status)
    {
        var entries = Host.Log.Entries;
        var all = string.Join("\n", entries);
        Assert.DoesNotContain(entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
        var refusal = Assert.Single(entries, e => e.Message.Contains("/api/v1/programs/web/scale", StringComparison.Ordinal));
        Assert.Contains(status, refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refusal.Message);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.Equal(2, Host.Engine.State.Programs[0].Instances.Length);
        Assert.True(Host.Engine.State.Programs[0].Instances.All(i => i.Status == InstanceStatus.Running), all);
    }
}
