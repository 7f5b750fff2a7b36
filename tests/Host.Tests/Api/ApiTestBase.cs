using System.Net;
using System.Text.Json;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>Shared set-up for API tests: a host on a config, its client, and JSON helpers.</summary>
public abstract class ApiTestBase : IAsyncDisposable
{
    protected const string Seed = """
        server-port = "localhost:4000"
        [good_sleeper] # Process name
        command = "./sleeper.py"
        max_retries = 3 # 0 means forever
        instances = 2

        [web]
        command = "python3 -m http.server 8000"
        max_instances = 5
        """;

    private KrustPmFactory? _host;

    protected KrustPmFactory Host => _host ?? throw new InvalidOperationException("Call StartAsync first.");

    protected HttpClient Client { get; private set; } = null!;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected async Task StartAsync(string toml = Seed, bool waitForRunning = true)
    {
        _host = new KrustPmFactory(toml);
        Client = _host.CreateClient();
        if (waitForRunning)
        {
            await WaitForAsync(s => s.Programs.All(p => p.Instances.All(i => i.Status == InstanceStatus.Running)));
        }
    }

    protected async Task<EngineState> WaitForAsync(Func<EngineState, bool> condition)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        return await Host.Engine.WaitForAsync(condition, limit.Token);
    }

    protected async Task<JsonElement> GetJsonAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Client.GetAsync(url, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(expected == response.StatusCode, $"GET {url}: expected {expected}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with the given status, naming the given parameter.</summary>
    protected async Task<JsonElement> GetProblemAsync(string url, HttpStatusCode expected, string parameter)
    {
        using var response = await Client.GetAsync(url, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(expected == response.StatusCode, $"GET {url}: expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Contains(parameter, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        return problem;
    }

    protected static string[] Names(JsonElement programs) =>
        [.. programs.EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];

    protected static long[] Ids(JsonElement program) =>
        [.. program.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetInt64())];
}
