using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>subreaper = true</c> with real processes, krust-pm not being PID 1: the orphans of its programs are handed to
/// krust-pm's init (the process the test started) and reaped, while every instance's exit code stays its own.
/// </summary>
public sealed class SubreaperEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const int Rounds = 40;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-subreaper-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Orphans_of_the_programs_come_to_krust_pm_and_are_reaped_and_exit_codes_stay_right_over_many_rounds()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            subreaper = true

            [orphans] # each run leaves a sleep whose parent has exited, and exits 7; restarted at once, again and again
            command = "sh -c '(sleep 0.4321 &); exit 7'"
            instances = 2
            restart = "always"
            restart_delay_ms = 20
            success_exit_codes = [0, 7]
            """, TestContext.Current.CancellationToken);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);

        // The orphans' parent is the process krust-pm was started as (the init), not the system's PID 1.
        Assert.True(
            await ProcFs.WaitUntilAsync(() => ProcFs.ChildrenOf(krust.Pid).Any(c => IsOrphanSleep(c.Pid)), Bound),
            $"no orphaned sleep was handed to krust-pm ({krust.Pid}):\n{krust.Output}");
        var programs = await krust.WaitForAsync(p => Instances(p).All(i => i.GetProperty("currentTry").GetInt32() > Rounds), Bound);
        Assert.All(Instances(programs), i => Assert.Equal(7, i.GetProperty("lastExitCode").GetInt32()));
        Assert.True(await ProcFs.WaitUntilAsync(() => Zombies(krust.Pid) == 0, Bound), $"zombies left under krust-pm: {Zombies(krust.Pid)}");

        Assert.Equal(0, await krust.TerminateAsync(timeout: Bound));

        // Before the stop: the stop's SIGTERM may end a run before its own exit.
        var log = krust.Stderr;
        var beforeStop = log[..Math.Max(0, log.IndexOf("SIGTERM received", StringComparison.Ordinal))];
        var exits = beforeStop.Split('\n').Where(line => line.Contains(" exited with ", StringComparison.Ordinal) || line.Contains(" killed by ", StringComparison.Ordinal)).ToList();
        Assert.True(exits.Count >= 2 * Rounds, log);
        Assert.All(exits, line => Assert.Contains("exited with code 7", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task While_it_runs_no_orphan_is_left_a_zombie_under_it()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            subreaper = true

            [spawner] # 200 orphans at once, then it runs on
            command = "sh -c 'i=0; while [ $i -lt 200 ]; do (sleep 0.4321 &); i=$((i+1)); done; echo spawned > spawned; exec sleep 600'"
            """, TestContext.Current.CancellationToken);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => Instances(p).All(i => i.GetProperty("status").GetString() == "Running"), Bound);

        Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(Path.Combine(_folder, "spawned")), Bound), krust.Output);
        Assert.True(await ProcFs.WaitUntilAsync(() => !ProcFs.ChildrenOf(krust.Pid).Any(c => c.IsLive && IsOrphanSleep(c.Pid)), Bound), "the orphans' sleeps did not end");
        Assert.True(
            await ProcFs.WaitUntilAsync(() => Zombies(krust.Pid) == 0, Bound),
            $"zombies left under krust-pm: {Zombies(krust.Pid)}");

        Assert.Equal(0, await krust.TerminateAsync(timeout: Bound));
        await krust.AssertNothingLeftAsync();
    }

    [Fact]
    public async Task When_its_init_is_killed_krust_pm_stops_its_programs_and_exits_and_they_never_see_the_inits_variable()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            subreaper = true

            [web]
            command = "sh -c 'env > env.txt; exec sleep 600'"
            """, TestContext.Current.CancellationToken);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => Instances(p).All(i => i.GetProperty("status").GetString() == "Running"), Bound);
        var environment = Path.Combine(_folder, "env.txt");
        Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(environment) && File.ReadAllText(environment).Contains("KRUST_PM_PROGRAM=web\n", StringComparison.Ordinal), Bound));
        Assert.DoesNotContain("KRUST_PM_INIT_CHILD", File.ReadAllText(environment), StringComparison.Ordinal);
        var child = Assert.Single(ProcFs.ChildrenOf(krust.Pid), c => !IsOrphanSleep(c.Pid)).Pid;

        krust.Send(9); // SIGKILL: the init cannot pass anything on; the kernel tells krust-pm (PR_SET_PDEATHSIG)

        Assert.True(await ProcFs.WaitUntilAsync(() => !ProcFs.IsAlive(child), Bound), $"krust-pm ({child}) outlived its init");
        await krust.AssertNothingLeftAsync();
    }

    /// <summary>The zombie children of a process (<see cref="ProcFs.ChildrenOf"/> lists the live ones only).</summary>
    private static int Zombies(int parent) => ProcFs.All().Count(p => p.Parent == parent && p.State == 'Z');

    private static IEnumerable<JsonElement> Instances(JsonElement programs) =>
        programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray());

    private static bool IsOrphanSleep(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline") == "sleep\00.4321\0";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
