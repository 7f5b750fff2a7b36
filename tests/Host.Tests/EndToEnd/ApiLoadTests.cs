using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// Many clients commanding a real krust-pm at once: no answer is a 5xx, and once the engine is idle its view of
/// the world is the truth of /proc (every Running instance is a live process, and no other process is left).
/// </summary>
public sealed class ApiLoadTests(PublishedKrustPm krustPm) : IDisposable
{
    private const int Clients = 50;
    private const int FirstSeed = 4_000;
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(10);
    private static readonly string[] Programs = ["alpha", "beta"];

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-load-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Fifty_clients_scaling_stopping_starting_and_restarting_get_no_5xx_and_leave_proc_agreeing_with_the_API()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"

            [alpha]
            command = "sleep 300"
            instances = 2
            max_instances = 5
            stop_timeout_ms = 2000

            [beta]
            command = "sleep 300"
            instances = 2
            max_instances = 5
            stop_timeout_ms = 2000
            """, Token);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config, new Dictionary<string, string?> { ["KRUST_PM_TOKEN"] = null });
        await krust.WaitForAsync(p => Statuses(p).Count(s => s == "Running") == 4);

        var answers = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        using var load = CancellationTokenSource.CreateLinkedTokenSource(Token);
        load.CancelAfter(LoadTime);
        var known = new KnownIds();
        known.Update(await krust.GetProgramsAsync());
        var watcher = WatchAsync(krust, known, load.Token);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(n => ClientAsync(krust.Client, FirstSeed + n, known, answers, failures, load.Token)));
        await watcher;

        var summary = string.Join(", ", answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"));
        TestContext.Current.SendDiagnosticMessage($"load answers: {summary}");
        Assert.True(failures.IsEmpty, $"{failures.Count} failures (seeds {FirstSeed}..{FirstSeed + Clients - 1}), e.g.:\n{string.Join("\n", failures.Take(10))}\n{summary}");
        Assert.True(answers.Where(a => a.Key.EndsWith(" 200", StringComparison.Ordinal)).Sum(a => a.Value) > 200, summary);

        var programs = await WaitUntilIdleAsync(krust);
        var running = programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray())
            .Where(i => i.GetProperty("status").GetString() == "Running").Select(i => i.GetProperty("pid").GetInt32()).Order().ToList();
        await Eventually.Assert(
            () => ProcFs.ChildrenOf(krust.Pid, "sleep").Select(c => c.Pid).Order().SequenceEqual(running),
            $"the live sleep children are the Running pids {string.Join(' ', running)}");
        await krust.GetProgramsAsync();

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    /// <summary>One client: random commands on random programs and (mostly existing) instances until the load time is over.</summary>
    private static async Task ClientAsync(
        HttpClient client, int seed, KnownIds known, ConcurrentDictionary<string, int> answers, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            var program = Programs[random.Next(Programs.Length)];
            var id = known.Pick(program, random);
            // A rolling restart holds its program (commands but a stop or a signal are 409) for as long as it takes: a
            // rare one. It answers 502 when a new run fails before it is ready, which a SIGHUP here does to a sleep.
            var (kind, method, url, body) = random.Next(1000) switch
            {
                < 300 => ("scale", "POST", $"/api/v1/programs/{program}/scale", $$"""{"instances": {{random.Next(0, 6)}}}"""),
                < 380 => ("stop", "POST", $"/api/v1/programs/{program}/stop", null),
                < 460 => ("start", "POST", $"/api/v1/programs/{program}/start", null),
                < 530 => ("restart", "POST", $"/api/v1/programs/{program}/restart", null),
                < 533 => ("rolling", "POST", $"/api/v1/programs/{program}/restart?rolling=true", null),
                < 700 => ("instance", "POST", $"/api/v1/programs/{program}/instances/{id}/{(random.Next(3) switch { 0 => "stop", 1 => "start", _ => "restart" })}", null),
                < 750 => ("delete", "DELETE", $"/api/v1/programs/{program}/instances/{id}", null),
                < 830 => ("ps", "GET", $"/ps?name={program}&to={random.Next(0, 6)}", null),
                < 870 => ("signal", "POST", $"/api/v1/programs/{program}/signal", $$"""{"signal": "HUP", "instance": {{id}}}"""),
                _ => ("read", "GET", random.Next(2) == 0 ? "/api/v1/programs" : $"/api/v1/programs/{program}", null),
            };

            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            var clock = Stopwatch.StartNew();
            try
            {
                // Not cancelled by the end of the load: a command that was sent is waited for, so the engine ends idle.
                using var response = await client.SendAsync(request, Token);
                answers.AddOrUpdate($"{kind} {(int)response.StatusCode}", 1, (_, n) => n + 1);
                if (response.StatusCode >= HttpStatusCode.InternalServerError && !(kind == "rolling" && response.StatusCode == HttpStatusCode.BadGateway))
                {
                    failures.Enqueue($"seed {seed}: {method} {url} {body} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Token)}");
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                failures.Enqueue($"seed {seed}: {method} {url} {body} -> {error.GetType().Name} after {clock.ElapsedMilliseconds} ms: {error.Message}");
            }
        }
    }

    /// <summary>GET / now and then: remembers every pid for AssertNothingLeftAsync, and the instance ids for the clients.</summary>
    private static async Task WatchAsync(KrustPmProcess krust, KnownIds known, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            known.Update(await krust.GetProgramsAsync());
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>The instance ids last seen per program, so that instance commands mostly hit existing instances.</summary>
    private sealed class KnownIds
    {
        private readonly ConcurrentDictionary<string, long[]> _ids = new();

        public void Update(JsonElement programs)
        {
            foreach (var program in programs.EnumerateArray())
            {
                _ids[program.GetProperty("name").GetString()!] =
                    [.. program.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetInt64())];
            }
        }

        /// <summary>A known id nine times in ten, else one that may not exist (any more).</summary>
        public long Pick(string program, Random random) =>
            _ids.TryGetValue(program, out var ids) && ids.Length > 0 && random.Next(10) > 0 ? ids[random.Next(ids.Length)] : random.Next(0, 60);
    }

    /// <summary>
    /// Polls (bounded) until no instance is starting, stopping or waiting to start again (SIGHUP ends a sleep, which is
    /// then retried), and nothing is retiring or rolling.
    /// </summary>
    private static Task<JsonElement> WaitUntilIdleAsync(KrustPmProcess krust) => Eventually.Value(
        async () =>
        {
            using var response = await krust.Client.GetAsync("/api/v1/programs", Token);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.Clone();
        },
        programs => !programs.EnumerateArray().Any(p =>
            p.GetProperty("retiring").GetArrayLength() > 0
            || p.TryGetProperty("rollingRestart", out _)
            || p.GetProperty("instances").EnumerateArray().Any(i => i.GetProperty("status").GetString() is "Started" or "Stopping" or "Backoff")),
        "krust-pm is idle after the load");

    private static IEnumerable<string> Statuses(JsonElement programs) =>
        programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray()).Select(i => i.GetProperty("status").GetString()!);
}
