using KrustPm.Tests.Shared;
using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// The published krust-pm under a low open-file limit (<c>ulimit -n</c>), with more instances than fit: it stays up,
/// the instances it cannot start wait without failing, <c>/healthz</c> says it is degraded and why, its log says so
/// once, and everything runs once descriptors are freed. A limit too low to run at all is said plainly.
/// </summary>
public sealed class DescriptorShortageEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const int Total = 40;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(40);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-fds-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Out_of_descriptors_krust_pm_stays_up_degraded_its_instances_wait_and_all_start_once_descriptors_are_freed()
    {
        // About 190 descriptors for krust-pm itself (JIT), 32 kept in reserve: room for 15 to 20 instances.
        var config = await WriteConfigAsync($"""
            [sleepy]
            command = "sleep 1000"
            instances = {Total}
            max_retries = 1
            """);
        await using var krust = KrustPmProcess.Start(Limited(320), config);

        var programs = await krust.WaitForAsync(p => Count(p, "Running") > 0 && Count(p, "Running") + Count(p, "Backoff") == Total && Count(p, "Backoff") > 0, Bound);
        var waiting = Instances(programs).Where(i => i.GetProperty("status").GetString() == "Backoff").ToList();
        Assert.All(Instances(programs), i => Assert.Equal((1, 0), (i.GetProperty("currentTry").GetInt32(), i.GetProperty("consecutiveFailures").GetInt32())));
        Assert.All(waiting, i => Assert.True(IsShortage(i.GetProperty("lastError").GetString()), i.GetProperty("lastError").GetString()));

        var health = await HealthAsync(krust);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.True(IsShortage(health.GetProperty("reason").GetString()), health.GetProperty("reason").GetString());
        Assert.InRange(health.GetProperty("waitingForResources").GetInt32(), 1, Total - 1);

        // Freeing descriptors: the 30 oldest instances go (the running ones among them), the 10 left all fit.
        Assert.Equal("30", await krust.Client.GetStringAsync("/ps?name=sleepy&to=10", Token));
        await krust.WaitForAsync(p => Count(p, "Running") == 10, Bound);
        Assert.True(await WaitForHealthAsync(krust, "ok"), "still degraded once every instance runs");

        // The console logger writes from a queue of its own: the line may follow the state it reports by a moment.
        Assert.True(await ProcFs.WaitUntilAsync(() => krust.Stderr.Contains("resources are back", StringComparison.Ordinal), Bound), krust.Stderr);
        var log = krust.Stderr.Split('\n');
        Assert.Single(log, line => line.Contains("out of resources: ", StringComparison.Ordinal) && IsShortage(line[(line.IndexOf("out of resources: ", StringComparison.Ordinal) + 18)..]));
        Assert.Single(log, line => line.Contains("resources are back", StringComparison.Ordinal));

        // No instance failed for it (that line is "NAME.ID could not start: REASON"), and the runtime never ran out.
        Assert.DoesNotContain(log, line => line.Contains(" could not start: ", StringComparison.Ordinal) || line.Contains("Out of memory", StringComparison.Ordinal));

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_limit_too_low_for_krust_pm_to_run_exits_1_saying_so_and_starts_nothing()
    {
        var config = await WriteConfigAsync("""
            [sleepy]
            command = "sleep 1000"
            """);

        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config, Token)).Replace("{port}", "1", StringComparison.Ordinal), Token);

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(Limited(128), _folder, "--config", config);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("krust-pm: too few file descriptors: the limit (RLIMIT_NOFILE) is 128 and ", output, StringComparison.Ordinal);
        Assert.Contains("Raise it (ulimit -n, or LimitNOFILE= in a systemd unit); nothing was started.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
    }

    /// <summary>krust-pm behind <c>sh -c 'ulimit -n N; exec krust-pm "$@"'</c> (soft and hard limit N; the same pid).</summary>
    private string Limited(int limit)
    {
        var script = Path.Combine(_folder, $"krust-pm-{limit}.sh");
        File.WriteAllText(script, $"#!/bin/sh\nulimit -n {limit} || exit 99\nexec '{krustPm.Executable}' \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>
    /// krust-pm's own shortage, in either wording: its budget said no ("short of file descriptors"), or, when other
    /// threads took the last descriptors between the count and the spawn, the spawn itself failed with EMFILE.
    /// </summary>
    private static bool IsShortage(string? reason) =>
        reason is not null
        && (reason.StartsWith("krust-pm is short of file descriptors: ", StringComparison.Ordinal) || (reason.StartsWith("krust-pm could not ", StringComparison.Ordinal) && reason.Contains("(EMFILE", StringComparison.Ordinal)));

    private static JsonElement.ArrayEnumerator Instances(JsonElement programs) => programs[0].GetProperty("instances").EnumerateArray();

    private static int Count(JsonElement programs, string status) => Instances(programs).Count(i => i.GetProperty("status").GetString() == status);

    private static async Task<JsonElement> HealthAsync(KrustPmProcess krust) =>
        JsonDocument.Parse(await krust.Client.GetStringAsync("/healthz", Token)).RootElement.Clone();

    private static async Task<bool> WaitForHealthAsync(KrustPmProcess krust, string status)
    {
        var deadline = DateTime.UtcNow + Bound;
        while ((await HealthAsync(krust)).GetProperty("status").GetString() != status)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50, Token);
        }

        return true;
    }

    private async Task<string> WriteConfigAsync(string programs)
    {
        var path = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(path, "server-port = \"127.0.0.1:{port}\"\n" + programs, Token);
        return path;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
