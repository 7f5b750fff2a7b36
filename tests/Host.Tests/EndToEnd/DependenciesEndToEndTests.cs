using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// Dependencies and health through the published binary with real processes: a web program waits for a database
/// stand-in (a Python HTTP server that serves only once the test creates a file) to pass its HTTP readiness probe, then starts and
/// becomes ready through an exec probe; the event stream shows the waiting and the readiness; the shutdown stops web
/// before db; nothing is left running.
/// </summary>
public sealed class DependenciesEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-deps-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Web_waits_for_the_http_readiness_of_db_then_starts_is_ready_by_exec_probe_and_stops_first()
    {
        var dbPort = KrustPmProcess.FreePort();
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, $$"""
            server-port = "127.0.0.1:{port}"
            [db]
            command = "sh -c 'while [ ! -e serve ]; do sleep 0.02; done; exec python3 -m http.server {{dbPort}} --bind 127.0.0.1'"
            readiness = { http = "http://127.0.0.1:{{dbPort}}/", period_ms = 100, timeout_ms = 500 }
            stop_timeout_ms = 3000
            [web]
            command = "sleep 300"
            depends_on = { db = "healthy" }
            readiness = { exec = "true", period_ms = 100 }
            stop_timeout_ms = 3000
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);

        // Until the test lets db serve: web waits, naming what for; db runs but is not ready.
        var waiting = await krust.WaitForAsync(programs => Status(programs, "web") == "Waiting" && Status(programs, "db") == "Running");
        Assert.Equal(["db (healthy)"], Instance(waiting, "web").GetProperty("waitingFor").EnumerateArray().Select(e => e.GetString()));
        Assert.False(Instance(waiting, "db").GetProperty("ready").GetBoolean());
        await File.WriteAllTextAsync(Path.Combine(_folder, "serve"), string.Empty, Token);

        var ready = await krust.WaitForAsync(
            programs => Ready(programs, "db") && Status(programs, "web") == "Running" && Ready(programs, "web"), TimeSpan.FromSeconds(20));
        Assert.Contains("HTTP 200", Instance(ready, "db").GetProperty("lastReadiness").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("exit code 0", Instance(ready, "web").GetProperty("lastReadiness").GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The history: web waiting, then db ready, then web ready.
        var events = await ReadEventsAsync(krust, until: "\"program\":\"web\"", type: "instance.ready");
        var webWaiting = events.FindIndex(e => e.Type == "instance.waiting" && e.Data.Contains("\"program\":\"web\"", StringComparison.Ordinal));
        var dbReady = events.FindIndex(e => e.Type == "instance.ready" && e.Data.Contains("\"program\":\"db\"", StringComparison.Ordinal));
        var webReady = events.FindIndex(e => e.Type == "instance.ready" && e.Data.Contains("\"program\":\"web\"", StringComparison.Ordinal));
        Assert.True(webWaiting >= 0 && dbReady > webWaiting && webReady > dbReady, string.Join('\n', events.Select(e => $"{e.Type} {e.Data}")));

        Assert.Equal(0, await krust.TerminateAsync());
        var log = krust.Output;
        var webStopping = log.IndexOf("web.0 stopping", StringComparison.Ordinal);
        var dbStopping = log.IndexOf("db.0 stopping", StringComparison.Ordinal);
        Assert.True(webStopping >= 0 && dbStopping > webStopping, log);
        await krust.AssertNothingLeftAsync();
    }

    private static JsonElement Instance(JsonElement programs, string program) =>
        programs.EnumerateArray().Single(p => p.GetProperty("name").GetString() == program).GetProperty("instances")[0];

    private static string? Status(JsonElement programs, string program) => Instance(programs, program).GetProperty("status").GetString();

    private static bool Ready(JsonElement programs, string program) =>
        Instance(programs, program).TryGetProperty("ready", out var ready) && ready.GetBoolean();

    /// <summary>Reads the event history (and what follows) until an event of <paramref name="type"/> whose data holds <paramref name="until"/>.</summary>
    private static async Task<List<(string Type, string Data)>> ReadEventsAsync(KrustPmProcess krust, string until, string type)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await krust.Client.GetAsync("/api/v1/events?since=0", HttpCompletionOption.ResponseHeadersRead, limit.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));
        var events = new List<(string Type, string Data)>();
        var current = string.Empty;
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                current = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((current, line["data: ".Length..]));
                if (current == type && line.Contains(until, StringComparison.Ordinal))
                {
                    return events;
                }
            }
        }

        return events;
    }
}
