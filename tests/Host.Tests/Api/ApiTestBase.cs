using System.Net;
using System.Text;
using System.Text.Json;
using KrustPm.Engine;
using KrustPm.Tests.Shared;

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
            // Whatever the test did, the shutdown must not wait for stop timeouts or a closed gate.
            _host.Launcher.SignalsEndRuns = true;
            _host.Launcher.LaunchGate?.Set();
            await _host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Starts krust-pm on <paramref name="toml"/>: in memory, or with <paramref name="kestrel"/> on a real Kestrel at
    /// the config's <c>server-port</c>, whose <c>{port}</c> is replaced by a free port (<see cref="KrustPmFactory.Port"/>).
    /// </summary>
    protected async Task StartAsync(
        string toml = Seed,
        bool waitForRunning = true,
        bool kestrel = false,
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? configureKestrel = null,
        bool realProcesses = false,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        _host = new KrustPmFactory(toml, kestrel, configureKestrel, realProcesses, configureServices);
        if (kestrel)
        {
            _host.StartServer();
            Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.Port}") };
        }
        else
        {
            Client = _host.CreateClient();
        }

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

    /// <summary>Polls (bounded) a condition on something other than the engine's state, e.g. what the launcher was asked.</summary>
    protected static Task EventuallyAsync(Func<bool> condition, string what) => Eventually.Assert(condition, what);

    /// <summary>As <see cref="EventuallyAsync(Func{bool}, string)"/>, with a description made when it times out (to show the state then).</summary>
    protected static async Task EventuallyAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what()}");
            await Task.Delay(5, Token);
        }
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
        return await AssertProblemAsync(response, expected, parameter);
    }

    /// <summary>Sends a request with an optional JSON body and extra headers; the caller disposes the answer.</summary>
    protected Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? json = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request, Token);
    }

    /// <summary>POSTs (with an optional JSON body) and returns the JSON answer, asserting its status.</summary>
    protected async Task<JsonElement> PostJsonAsync(string url, string? json = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsync(HttpMethod.Post, url, json);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(expected == response.StatusCode, $"POST {url}: expected {expected}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Sends a request and asserts a problem+json answer with the given status, naming the given parameter.</summary>
    protected async Task<JsonElement> SendProblemAsync(
        HttpMethod method, string url, string? json, HttpStatusCode expected, string? parameter)
    {
        using var response = await SendAsync(method, url, json);
        return await AssertProblemAsync(response, expected, parameter);
    }

    /// <summary>
    /// Asserts a problem+json answer with the given status that names <paramref name="parameter"/> (in its
    /// <c>parameter</c> extension and its title), or names none when it is <see langword="null"/>.
    /// </summary>
    protected static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string? parameter)
    {
        var body = await response.Content.ReadAsStringAsync(Token);
        var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
        Assert.True(expected == response.StatusCode, $"{request}: expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        if (parameter is null)
        {
            Assert.False(problem.TryGetProperty("parameter", out _), body);
        }
        else
        {
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
            Assert.Contains(parameter, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        return problem;
    }

    /// <summary>The v1 view of one program (<c>GET /api/v1/programs/{name}</c>).</summary>
    protected Task<JsonElement> ProgramAsync(string name) => GetJsonAsync($"/api/v1/programs/{name}");

    protected static string[] Statuses(JsonElement program) =>
        [.. program.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("status").GetString()!)];

    /// <summary>Whether every instance of every program is running (the state after start-up or a restart).</summary>
    protected static bool AllRunning(EngineState state) =>
        state.Programs.All(p => p.Retiring.IsEmpty && p.Instances.All(i => i.Status == InstanceStatus.Running));

    protected static string[] Names(JsonElement programs) =>
        [.. programs.EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];

    protected static long[] Ids(JsonElement program) =>
        [.. program.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetInt64())];
}
