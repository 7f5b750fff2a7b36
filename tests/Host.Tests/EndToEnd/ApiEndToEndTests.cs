using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// The control API through the published binary with real processes: the token rule for addresses reachable from
/// other machines, the bearer token over Kestrel, and the event stream's headers. The load test is in
/// <see cref="ApiLoadTests"/>.
/// </summary>
public sealed class ApiEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const string Secret = "end-to-end-token-0123456789";

    /// <summary>Neither an inherited KRUST_PM_TOKEN nor anything else from the test's environment decides for krust-pm.</summary>
    private static readonly Dictionary<string, string?> NoToken = new() { ["KRUST_PM_TOKEN"] = null };

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-api-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("[::]")]
    public async Task Listening_beyond_loopback_without_a_token_exits_2_naming_server_port_and_auth_token_and_starts_nothing(string host)
    {
        var port = KrustPmProcess.FreePort();
        var config = await WriteConfigAsync($"server-port = \"{host}:{port}\"\n", "[marker]\ncommand = \"touch started-anyway\"\n");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, NoToken, "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains($"server-port {host}:{port} is reachable from other machines", output, StringComparison.Ordinal);
        Assert.Contains("set auth_token", output, StringComparison.Ordinal);
        Assert.Contains("nothing was started", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "started-anyway")));
    }

    [Fact]
    public async Task Listening_beyond_loopback_with_auth_token_starts_and_every_request_but_healthz_needs_the_token()
    {
        var config = await WriteConfigAsync($"server-port = \"0.0.0.0:{{port}}\"\nauth_token = \"{Secret}\"\n", "[sleepy]\ncommand = \"sleep 300\"\n");
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config, NoToken);

        await AssertTokenNeededAsync(krust, Secret);
    }

    [Fact]
    public async Task KRUST_PM_TOKEN_is_a_token_for_listening_beyond_loopback()
    {
        var config = await WriteConfigAsync("server-port = \"0.0.0.0:{port}\"\n", "[sleepy]\ncommand = \"sleep 300\"\n");
        await using var krust = KrustPmProcess.Start(
            krustPm.Executable, config, new Dictionary<string, string?> { ["KRUST_PM_TOKEN"] = Secret + "-env" });

        await AssertTokenNeededAsync(krust, Secret + "-env");
    }

    [Fact]
    public async Task A_KRUST_PM_TOKEN_shorter_than_16_characters_exits_2_and_starts_nothing()
    {
        var port = KrustPmProcess.FreePort();
        var config = await WriteConfigAsync($"server-port = \"0.0.0.0:{port}\"\n", "[marker]\ncommand = \"touch started-anyway\"\n");

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(
            krustPm.Executable, _folder, new Dictionary<string, string?> { ["KRUST_PM_TOKEN"] = "short" }, "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("KRUST_PM_TOKEN must be at least 16 characters long", output, StringComparison.Ordinal);
        Assert.DoesNotContain("short", output.Replace("shorter", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "started-anyway")));
    }

    [Fact]
    public async Task The_event_stream_answers_with_its_headers_at_once_and_then_streams_a_command()
    {
        var config = await WriteConfigAsync("server-port = \"127.0.0.1:{port}\"\n", "[sleepy]\ncommand = \"sleep 300\"\n");
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config, NoToken);
        await krust.WaitForAsync(p => Statuses(p).SequenceEqual(["Running"]));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(10));

        using var response = await krust.Client.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead, limit.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));
        using var stop = await krust.Client.PostAsync("/api/v1/programs/sleepy/stop", null, limit.Token);
        stop.EnsureSuccessStatusCode();

        var lines = new List<string>();
        while (lines.Count < 5)
        {
            lines.Add(await reader.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException("the stream ended"));
        }

        // The stream opens with the reconnection delay it asks of clients, in a block of its own.
        Assert.Equal(["retry: 3000", ""], lines[..2]);
        Assert.Equal("event: command", lines[2]);
        Assert.Contains("\"command\":\"stop\"", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("id: ", lines[4], StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private static async Task AssertTokenNeededAsync(KrustPmProcess krust, string token)
    {
        using var anonymous = new HttpClient { BaseAddress = krust.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        krust.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await krust.WaitForAsync(p => Statuses(p).SequenceEqual(["Running"]));

        foreach (var url in new[] { "/", "/api/v1/programs", "/openapi/v1.json", "/ps?name=sleepy&to=1" })
        {
            using var refused = await anonymous.GetAsync(url, Token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
        }

        using var health = await anonymous.GetAsync("/healthz", Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var stopped = await krust.Client.PostAsync("/api/v1/programs/sleepy/stop", null, Token);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        using var started = await krust.Client.PostAsync("/api/v1/programs/sleepy/start", null, Token);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        await krust.WaitForAsync(p => Statuses(p).SequenceEqual(["Running"]));

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private static string[] Statuses(JsonElement programs) =>
        [.. programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray()).Select(i => i.GetProperty("status").GetString()!)];

    private async Task<string> WriteConfigAsync(string topLevel, string programs)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, topLevel + "\n" + programs, Token);
        return path;
    }
}
