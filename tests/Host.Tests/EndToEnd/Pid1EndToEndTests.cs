using System.Runtime.InteropServices;
using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// krust-pm as PID 1 of a new pid namespace (<c>unshare --pid --fork --mount-proc</c>, as root), the way a container
/// runs its entrypoint. Skipped, with the reason, where the test cannot make a pid namespace (not root, no unshare).
/// Pids in the API are the namespace's; /proc here shows the host's, so the namespace's processes are found as the
/// descendants of its PID 1 (unshare's only child).
/// </summary>
public sealed partial class Pid1EndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const int Orphans = 1000;
    private static readonly string[] Unshare = ["/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "--kill-child"];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-pid1-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Under_PID_1_instances_report_their_own_exit_codes_and_SIGTERM_stops_dependents_first_then_exits_0()
    {
        SkipWithoutPidNamespaces();
        var config = await WriteConfigAsync("""
            [three] # leaves a child behind: its exit makes the orphan PID 1's while krust-pm reaps the shell
            command = "sh -c 'sleep 0.2 & exit 3'"
            restart = "never"

            [stopped]
            command = "sh -c 'sleep 600 & sleep 600'"

            [db]
            command = "sleep 600"

            [web]
            command = "sleep 600"
            depends_on = { db = "started" }
            """);
        await using var krust = KrustPmProcess.StartUnder(Unshare, krustPm.Executable, config, new Dictionary<string, string?>());

        var programs = await krust.WaitForAsync(p => LastExitCode(p, "three") is not null && Status(p, "web") == "Running" && Status(p, "stopped") == "Running", Bound);
        Assert.Equal(3, LastExitCode(programs, "three"));

        using (var stop = await krust.Client.PostAsync("/api/v1/programs/stopped/stop", null, TestContext.Current.CancellationToken))
        {
            Assert.True(stop.IsSuccessStatusCode);
        }

        programs = await krust.WaitForAsync(p => Status(p, "stopped") == "Stopped", Bound);
        Assert.Equal(143, LastExitCode(programs, "stopped")); // SIGTERM; it was -1 when the runtime reaped it first

        // unshare does not pass SIGTERM on: it goes to PID 1 inside, as a container runtime sends it.
        var init = Assert.Single(ProcFs.ChildrenOf(krust.Pid)).Pid;
        Assert.Equal(0, Kill(init, 15));
        Assert.Equal(0, await krust.WaitForExitAsync(Bound));

        var log = krust.Stderr;
        Assert.Contains("SIGTERM received: stopping every program, then krust-pm", log, StringComparison.Ordinal);
        var webEnded = log.IndexOf("web.0 killed by signal 15", StringComparison.Ordinal);
        var dbStopping = log.IndexOf("db.0 stopping: SIGTERM", StringComparison.Ordinal);
        Assert.True(webEnded >= 0 && dbStopping > webEnded, $"web must have stopped before db is asked to:\n{log}");
        Assert.Contains("db.0 killed by signal 15", log, StringComparison.Ordinal);
        Assert.DoesNotContain("code -1", log, StringComparison.Ordinal);
        Assert.False(ProcFs.IsAlive(init), "PID 1 of the namespace has exited: nothing of it is left");
    }

    [Fact]
    public async Task Under_PID_1_a_thousand_orphaned_grandchildren_are_all_reaped()
    {
        SkipWithoutPidNamespaces();
        var config = await WriteConfigAsync($$"""
            [orphans] # each `(sleep &)` leaves a sleep whose parent has exited: the kernel hands it to PID 1
            command = "sh -c 'i=0; while [ $i -lt {{Orphans}} ]; do (sleep 0.37 &); i=$((i+1)); done; echo spawned > spawned; exec sleep 600'"
            """);
        await using var krust = KrustPmProcess.StartUnder(Unshare, krustPm.Executable, config, new Dictionary<string, string?>());
        await krust.WaitForAsync(p => Status(p, "orphans") == "Running", Bound);
        var init = Assert.Single(ProcFs.ChildrenOf(krust.Pid)).Pid;

        Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(Path.Combine(_folder, "spawned")), Bound), krust.Output);
        Assert.True(await ProcFs.WaitUntilAsync(() => !Descendants(init).Any(p => p.IsLive && IsOrphanSleep(p.Pid)), Bound), "the orphans' sleeps did not end");

        // They have all exited: any not reaped stays a zombie for good.
        Assert.True(
            await ProcFs.WaitUntilAsync(() => !Descendants(init).Any(p => p.State == 'Z'), Bound),
            $"zombies left in the namespace: {Descendants(init).Count(p => p.State == 'Z')}");

        Assert.Equal(0, Kill(init, 15));
        Assert.Equal(0, await krust.WaitForExitAsync(Bound));
    }

    [Fact]
    public async Task Under_PID_1_without_a_log_dir_the_programs_output_goes_to_stdout_as_name_id_lines_and_with_one_to_its_files()
    {
        SkipWithoutPidNamespaces();
        const string Web = """
            [web]
            command = "sh -c 'echo hello from web; echo oops >&2; exec sleep 600'"
            instances = 2
            """;
        var config = await WriteConfigAsync(Web);
        await using (var krust = KrustPmProcess.StartUnder(Unshare, krustPm.Executable, config, new Dictionary<string, string?>()))
        {
            await krust.WaitForAsync(p => Instance(p, "web").GetProperty("status").GetString() == "Running", Bound);
            Assert.True(
                await ProcFs.WaitUntilAsync(() => krust.Stdout.Contains("web.1 | hello from web", StringComparison.Ordinal), Bound),
                $"stdout: {krust.Stdout}");
            Assert.Contains("web.0 | hello from web", krust.Stdout, StringComparison.Ordinal);
            Assert.True(await ProcFs.WaitUntilAsync(() => krust.Stdout.Contains("web.0 | oops", StringComparison.Ordinal), Bound), krust.Stdout);
            Assert.Equal(0, Kill(Assert.Single(ProcFs.ChildrenOf(krust.Pid)).Pid, 15));
            Assert.Equal(0, await krust.WaitForExitAsync(Bound));
        }

        // With a log_dir of its own the output stays in its files, as outside a container.
        config = await WriteConfigAsync("log_dir = \"own-logs\"\n\n" + Web);
        await using (var krust = KrustPmProcess.StartUnder(Unshare, krustPm.Executable, config, new Dictionary<string, string?>()))
        {
            await krust.WaitForAsync(p => Instance(p, "web").GetProperty("status").GetString() == "Running", Bound);
            var file = Path.Combine(_folder, "own-logs", "web.0.stdout.log");
            Assert.True(await ProcFs.WaitUntilAsync(() => File.Exists(file) && File.ReadAllText(file).Contains("hello from web", StringComparison.Ordinal), Bound));
            Assert.DoesNotContain("hello from web", krust.Stdout, StringComparison.Ordinal);
            Assert.Equal(0, Kill(Assert.Single(ProcFs.ChildrenOf(krust.Pid)).Pid, 15));
            Assert.Equal(0, await krust.WaitForExitAsync(Bound));
        }
    }

    private async Task<string> WriteConfigAsync(string programs)
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, "server-port = \"127.0.0.1:{port}\"\n\n" + programs, TestContext.Current.CancellationToken);
        return config;
    }

    /// <summary>Every process under <paramref name="root"/> (zombies included), from one pass over /proc.</summary>
    private static List<ProcFs.Entry> Descendants(int root)
    {
        var byParent = ProcFs.All().ToLookup(p => p.Parent);
        var found = new List<ProcFs.Entry>();
        var next = new Queue<int>([root]);
        while (next.TryDequeue(out var pid))
        {
            foreach (var child in byParent[pid])
            {
                found.Add(child);
                next.Enqueue(child.Pid);
            }
        }

        return found;
    }

    private static bool IsOrphanSleep(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline") == "sleep\00.37\0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static JsonElement Instance(JsonElement programs, string name) =>
        programs.EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("instances")[0];

    private static string? Status(JsonElement programs, string name) => Instance(programs, name).GetProperty("status").GetString();

    private static int? LastExitCode(JsonElement programs, string name) =>
        Instance(programs, name).TryGetProperty("lastExitCode", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null;

    private static void SkipWithoutPidNamespaces()
    {
        Assert.SkipUnless(Environment.UserName == "root", "making a pid namespace needs root");
        Assert.SkipUnless(File.Exists(Unshare[0]), "no /usr/bin/unshare (util-linux)");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
