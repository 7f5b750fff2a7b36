using System.Net;
using KrustPm.Host.Tests.Api;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// The published krust-pm, as an attacker's page and as krust-pm's own command line reach it: the DNS rebinding
/// request of issue 13 (forged Host, matching Origin, same-origin) is refused, and a command from the CLI is logged as
/// the CLI's.
/// </summary>
public sealed class ApiSafetyEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    /// <summary>Neither an inherited KRUST_PM_TOKEN nor anything else from the test's environment decides for krust-pm.</summary>
    private static readonly Dictionary<string, string?> NoToken = new() { ["KRUST_PM_TOKEN"] = null };

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-safety-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_page_rebound_to_127_0_0_1_can_neither_restart_nor_read_and_the_same_requests_by_name_work()
    {
        await using var krust = await StartAsync();
        var port = krust.Port;
        var pid = (await krust.GetProgramsAsync())[0].GetProperty("instances")[0].GetProperty("pid").GetInt32();
        string[] forged = ["Host: evil.example:" + port, "Origin: http://evil.example:" + port, "Sec-Fetch-Site: same-origin"];

        var restart = await RawHttp.SendAsync(port, RawHttp.Request("POST /api/v1/programs/one/restart HTTP/1.1", [.. forged, "Content-Length: 0"]), Token);
        var logs = await RawHttp.SendAsync(port, RawHttp.Request("GET /api/v1/programs/one/logs HTTP/1.1", forged), Token);

        Assert.True(restart.Status == (int)HttpStatusCode.MisdirectedRequest, restart.ToString());
        Assert.True(logs.Status == (int)HttpStatusCode.MisdirectedRequest, logs.ToString());
        Assert.Contains($"evil.example:{port}", logs.Problem().GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hello from one", logs.Body, StringComparison.Ordinal);
        Assert.Equal(pid, (await krust.GetProgramsAsync())[0].GetProperty("instances")[0].GetProperty("pid").GetInt32());

        var own = await RawHttp.SendAsync(port, RawHttp.Request("GET /api/v1/programs/one/logs HTTP/1.1", [$"Host: localhost:{port}"]), Token);
        Assert.True(own.Status == 200, own.ToString());
        Assert.Contains("hello from one", own.Body, StringComparison.Ordinal);

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_command_from_the_command_line_is_logged_as_the_CLI_with_its_version()
    {
        await using var krust = await StartAsync();

        var (exit, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, NoToken, "scale", "one", "2");

        Assert.True(exit == 0, output);
        await krust.WaitForAsync(p => p[0].GetProperty("instances").GetArrayLength() == 2);
        Assert.Matches(@"command: scale one to 2 \(CLI 127\.0\.0\.1, krust-pm-cli/\d+\.\d+\.\d+\S*\)", krust.Stderr);
        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    private async Task<KrustPmProcess> StartAsync()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            [one]
            command = "sh -c 'echo hello from one; exec sleep 300'"
            """, Token);
        var krust = KrustPmProcess.Start(krustPm.Executable, config, NoToken);
        await krust.WaitForAsync(p => p[0].GetProperty("instances")[0].GetProperty("status").GetString() == "Running");
        return krust;
    }
}
