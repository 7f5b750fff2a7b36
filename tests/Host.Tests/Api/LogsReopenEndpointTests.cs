using System.Net;

namespace KrustPm.Host.Tests.Api;

/// <summary><c>POST /api/v1/logs/reopen</c>: what SIGUSR1 does, over HTTP; a change like any other.</summary>
public sealed class LogsReopenEndpointTests : ApiTestBase
{
    [Fact]
    public async Task Reopen_answers_how_many_log_files_were_open()
    {
        await StartAsync();

        var answer = await PostJsonAsync("/api/v1/logs/reopen");

        Assert.Equal(0, answer.GetProperty("reopened").GetInt32()); // the scripted launcher writes no output
    }

    [Fact]
    public async Task Reopen_is_refused_when_krust_pm_is_read_only()
    {
        await StartAsync("read_only = true\n[web]\ncommand = \"./web\"\n");

        var problem = await SendProblemAsync(HttpMethod.Post, "/api/v1/logs/reopen", null, HttpStatusCode.Forbidden, parameter: null);

        Assert.Equal("krust-pm is read-only", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Reopen_takes_no_GET()
    {
        await StartAsync();

        using var response = await Client.GetAsync("/api/v1/logs/reopen", Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
