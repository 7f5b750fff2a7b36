using System.Globalization;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm restart NAME --rolling</c> with real processes whose readiness the test controls: each run prints its
/// ready line only once the test creates a file named after its pid, so nothing depends on how fast the machine is.
/// </summary>
public sealed class RollingRestartEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    // Each run waits for go.PID in the config's folder, then says it is ready and keeps running.
    private const string Config = """
        server-port = "127.0.0.1:{port}"
        [web]
        command = "sh -c 'while [ ! -e go.$$ ]; do sleep 0.02; done; echo listening; exec sleep 300'"
        instances = 3
        ready_log_line = "listening"
        stop_timeout_ms = 3000
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-rolling-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_rolling_restart_never_has_more_than_one_instance_unready_and_answers_once_the_last_is_ready()
    {
        await using var krust = await StartReadyAsync();
        var oldPids = Pids(await krust.GetProgramsAsync());

        var restart = KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "restart", "web", "--rolling");

        // Poll the API through the whole roll: at every look at most one instance is not ready (the one being
        // restarted), so the program is never down. Each new run is made ready by the test, one at a time.
        var released = new HashSet<int>();
        var looks = 0;
        await Eventually.Value(
            async () =>
            {
                var programs = await krust.GetProgramsAsync();
                var instances = programs[0].GetProperty("instances").EnumerateArray().ToList();
                var unready = instances.Where(i => !IsReady(i)).Select(i => $"web.{i.GetProperty("id")} {i.GetProperty("status")}").ToList();
                looks++;
                Assert.True(unready.Count <= 1, $"look {looks}: {unready.Count} instances not ready at once: {string.Join(", ", unready)}");
                foreach (var fresh in instances.Where(i => i.GetProperty("status").GetString() == "Running" && !IsReady(i)))
                {
                    var pid = fresh.GetProperty("pid").GetInt32();
                    Assert.DoesNotContain(pid, oldPids);
                    if (released.Add(pid))
                    {
                        // The answer comes only once the last new run is ready: not before this file exists.
                        Assert.False(restart.IsCompleted, $"the restart answered before web.{fresh.GetProperty("id")} (pid {pid}) was ready");
                        Go(pid);
                    }
                }

                return programs;
            },
            programs => restart.IsCompleted && !Pids(programs).Intersect(oldPids).Any() && programs[0].GetProperty("instances").EnumerateArray().All(IsReady),
            "every instance runs a new, ready run and the restart has answered");

        var (exitCode, output) = await restart;
        Assert.Equal((0, "web: restart, 3 instance(s) affected"), (exitCode, output.Trim()));
        Assert.Equal(3, released.Count);
        Assert.All(oldPids, pid => Assert.False(ProcFs.IsAlive(pid)));
        TestContext.Current.SendDiagnosticMessage($"rolling restart watched through {looks} looks at the API");

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_rolling_restart_that_times_out_exits_1_naming_the_instance_goes_on_and_a_stop_ends_it()
    {
        await using var krust = await StartReadyAsync();

        var (exitCode, output) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "restart", "web", "--rolling", "--timeout", "1");

        Assert.Equal(1, exitCode);
        Assert.Contains("krust-pm: web.0 did not become ready within 1 s (Running, not ready: no output line has matched 'listening' yet)", output, StringComparison.Ordinal);
        var rolling = await krust.Client.GetStringAsync("/api/v1/programs/web", TestContext.Current.CancellationToken);
        Assert.Contains("\"rollingRestart\"", rolling, StringComparison.Ordinal);

        // The roll still waits for web.0; a stop of web.0 ends it, and web.1 and web.2 keep their runs.
        var before = Pids(await krust.GetProgramsAsync());
        Assert.Equal((0, "web.0: stop, 1 instance(s) affected"), Trimmed(await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "stop", "web:0")));
        var after = await krust.GetProgramsAsync();
        Assert.False(after[0].TryGetProperty("rollingRestart", out _));
        Assert.Equal(before[1..], Pids(after));
        Assert.Equal((0, "web: rolling restart of 3 instance(s) under way (krust-pm status shows how it goes)"),
            Trimmed(await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "restart", "web", "--rolling", "--no-wait")));
        Assert.Equal(2, Trimmed(await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "restart", "web", "--timeout", "5")).ExitCode);

        Assert.Equal(0, await krust.TerminateAsync());
        await krust.AssertNothingLeftAsync();
    }

    /// <summary>Starts krust-pm on <see cref="Config"/> and makes its three first runs ready.</summary>
    private async Task<KrustPmProcess> StartReadyAsync()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, Config, TestContext.Current.CancellationToken);
        var krust = KrustPmProcess.Start(krustPm.Executable, config);
        var running = await krust.WaitForAsync(p => p[0].GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Running"));
        foreach (var pid in Pids(running))
        {
            Go(pid);
        }

        await krust.WaitForAsync(p => p[0].GetProperty("instances").EnumerateArray().All(IsReady));
        return krust;
    }

    private void Go(int pid) => File.WriteAllText(Path.Combine(_folder, $"go.{pid.ToString(CultureInfo.InvariantCulture)}"), string.Empty);

    private static bool IsReady(JsonElement instance) => instance.TryGetProperty("ready", out var ready) && ready.GetBoolean();

    private static int[] Pids(JsonElement programs) =>
        [.. programs[0].GetProperty("instances").EnumerateArray().Where(i => i.TryGetProperty("pid", out _)).Select(i => i.GetProperty("pid").GetInt32())];

    private static (int ExitCode, string Output) Trimmed((int ExitCode, string Output) result) => (result.ExitCode, result.Output.Trim());
}
