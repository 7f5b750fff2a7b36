using System.Net;
using KrustPm.Host.Api;
using Microsoft.Extensions.DependencyInjection;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>max_streams</c> caps the log followers and event streams served at once: each holds a connection and up to
/// 1 MiB while its client does not read. One more is a 503 with <c>Retry-After</c>; a slot is free again once its
/// stream ends.
/// </summary>
public sealed class StreamLimitTests : ApiTestBase
{
    private const string TwoStreams = """
        max_streams = 2
        [web]
        command = "./web"
        """;

    [Theory]
    [InlineData("/api/v1/events")]
    [InlineData("/api/v1/programs/web/logs?follow=true")]
    public async Task One_stream_more_than_max_streams_is_a_503_with_Retry_After_until_one_closes(string third)
    {
        await StartAsync(TwoStreams);
        var first = await OpenAsync("/api/v1/programs/web/logs?follow=true&tail=0");
        using var second = await OpenAsync("/api/v1/events");

        using (var refused = await Client.GetAsync(third, HttpCompletionOption.ResponseHeadersRead, Token))
        {
            var problem = await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, parameter: null);
            Assert.Contains("max_streams", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, refused.Headers.ToString());
        }

        first.Dispose();
        await EventuallyAsync(() => Host.Services.GetRequiredService<StreamSlots>().Open.Count == 1, "the first stream's slot is free");
        using var again = await OpenAsync(third);
    }

    [Fact]
    public async Task Reading_and_commands_are_not_streams_and_are_never_refused_for_them()
    {
        await StartAsync(TwoStreams);
        using var first = await OpenAsync("/api/v1/events");
        using var second = await OpenAsync("/api/v1/events");

        await GetJsonAsync("/");
        await GetJsonAsync("/api/v1/programs/web/logs");
        await PostJsonAsync("/api/v1/programs/web/stop");
    }

    private async Task<HttpResponseMessage> OpenAsync(string url)
    {
        var response = await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }
}
