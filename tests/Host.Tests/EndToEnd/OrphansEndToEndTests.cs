using System.Text.Json;
using KrustPm.Tests.Shared;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// krust-pm killed with SIGKILL while its programs crash and restart as fast as they can: every instance's main
/// process dies with it (parent-death signal), and nothing it started in the background may live on either (the
/// guardian kills the process groups). Grandchildren are told apart from other processes on this machine by a
/// marker in their command line and by their working directory, the test's own folder.
/// </summary>
public sealed partial class OrphansEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const int Instances = 20;
    private const int Kills = 5;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-orphans-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("off")] // process groups: the parent-death signal and the guardian's list of groups
    [InlineData("auto")] // the default: a cgroup tree where one can be written (else process groups again)
    public async Task SIGKILL_of_krust_pm_in_a_crash_loop_leaves_no_grandchild_and_the_guardian_exits(string cgroup)
    {
        // A number no other test or helper uses: `sleep` takes it as its duration, /proc shows it in the command line.
        var marker = Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var survivors = new List<string>();
        try
        {
            for (var kill = 1; kill <= Kills; kill++)
            {
                var config = Path.Combine(_folder, "krust-pm.toml");
                await File.WriteAllTextAsync(config, $$"""
                    server-port = "127.0.0.1:{port}"
                    cgroup = "{{cgroup}}"

                    [crasher]
                    command = "sh -c 'sleep {{marker}} & sleep 0.3; exit 1'"
                    instances = {{Instances}}
                    restart_delay_ms = 0
                    max_retries = 0
                    """, Token);
                await using var krust = KrustPmProcess.Start(krustPm.Executable, config);

                // Killed at a different point of the churn each time: the first time as the first runs start, then after
                // more and more rounds of restarts.
                await krust.WaitForAsync(p => Tries(p) >= Instances * kill, Bound);
                var guardians = Guardians(krust.Pid);
                Assert.Single(guardians);

                Assert.Equal(137, await krust.TerminateAsync(signal: 9));

                // The guardian acts once krust-pm's end of its pipe has closed: wait (bounded) for it to be done.
                await ProcFs.WaitUntilAsync(() => Marked(marker).Count == 0 && !ProcFs.IsAlive(guardians[0]), TimeSpan.FromSeconds(5));
                Assert.False(ProcFs.IsAlive(guardians[0]), "the guardian must exit once it has killed what was listed");
                var left = Marked(marker);
                survivors.AddRange(left.Select(pid => $"kill {kill}: {Describe(pid)}"));
                KillAll(left); // so that the next round counts only its own
            }

            Assert.True(survivors.Count == 0, $"{survivors.Count} processes outlived krust-pm:\n{string.Join('\n', survivors)}");
        }
        finally
        {
            KillAll(Marked(marker)); // nothing of this test may outlive it, even when it fails
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static int Tries(JsonElement programs) =>
        programs.EnumerateArray().SelectMany(p => p.GetProperty("instances").EnumerateArray()).Sum(i => i.GetProperty("currentTry").GetInt32());

    /// <summary>The guardian: the child of krust-pm whose command line names it.</summary>
    private static List<int> Guardians(int krustPm) =>
        [.. ProcFs.ChildrenOf(krustPm).Where(p => CommandLine(p.Pid).Contains("krust-pm-guardian", StringComparison.Ordinal)).Select(p => p.Pid)];

    /// <summary>Live processes of this test: the marker in their command line, and the test's folder as their working directory.</summary>
    private List<int> Marked(string marker) =>
        [.. ProcFs.All().Where(p => p.IsLive && CommandLine(p.Pid).Contains(marker, StringComparison.Ordinal) && WorkingDirectory(p.Pid) == _folder).Select(p => p.Pid)];

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static string? WorkingDirectory(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Describe(int pid) =>
        ProcFs.Ids(pid) is { } ids ? $"pid {pid} (group {ids.Group}, session {ids.Session}): {CommandLine(pid)}" : $"pid {pid} (gone)";

    private static void KillAll(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            _ = Kill(pid, 9);
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
